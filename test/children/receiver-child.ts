/**
 * A receiver in its own process, for the hostile-client tests: whether it survives and how much
 * memory it takes are properties of a process. argv: <outDir> <options as JSON>. Prints one JSON
 * line `{"url", "maxRssBytes"}` once listening; on SIGTERM closes and prints
 * `{"stats", "maxRssBytes"}` (the process's peak resident set since it started), then exits 0.
 */
import { startReceiver } from '../../receiver/receiver.js';

const [outDir, json] = process.argv.slice(2) as [string, string?];
const receiver = await startReceiver({ outDir, ...(json ? JSON.parse(json) : {}) });
const maxRssBytes = () => process.resourceUsage().maxRSS * 1024;
process.stdout.write(`${JSON.stringify({ url: receiver.url, maxRssBytes: maxRssBytes() })}\n`);
process.once('SIGTERM', () => {
  void receiver.close().then(() => {
    process.stdout.write(`${JSON.stringify({ stats: receiver.stats, maxRssBytes: maxRssBytes() })}\n`);
    process.exit(0);
  });
});
