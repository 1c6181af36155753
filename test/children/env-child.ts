/** A program that never creates a pipeline: OPTRAIL_OUTPUT alone makes it traced. */
import { op } from '../../index.js';

const answer = op('answer', (q: string) => `${q}!`);
process.stdout.write(answer('hi') + '\n');
