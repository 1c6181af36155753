// Loaded with `--import` before a program: at exit, writes to $PROTOTYPE_PROBE_OUT what the
// program changed on the built-in prototypes ({ added, removed }, both empty when nothing).
import { writeFileSync } from 'node:fs';
import { prototypeChanges, prototypeSnapshot } from '../prototype-snapshot.js';

const before = prototypeSnapshot();
process.on('exit', () => {
  writeFileSync(process.env.PROTOTYPE_PROBE_OUT!, JSON.stringify(prototypeChanges(before, prototypeSnapshot())));
});
