import type { Command } from 'commander';
import { envConfig } from '../../base/environment.js';
import { startReceiver } from '../../../receiver/receiver.js';
import { DEFAULT_RECEIVER_MAX_BODY_BYTES } from '../../base/defaults.js';

/**
 * `optrail receive --port P --out DIR`: a local endpoint for the HTTP exporter. Without a key it
 * listens on loopback only (a non-loopback `--host` is refused: exit 2); its first line says where
 * it listens and whether a key is required.
 */
export function registerReceive(program: Command): void {
  program
    .command('receive')
    .description('receive batches from the HTTP exporter and append them as JSON Lines per request')
    .requiredOption('--out <dir>', 'where to write <request_id>.jsonl files')
    .option('--port <port>', 'port to listen on', '4319')
    .option('--host <host>', 'address to listen on (without a key: loopback only)', '127.0.0.1')
    .option('--api-key <key>', 'require this bearer key (default: OPTRAIL_API_KEY when set)')
    .option('--max-body-bytes <n>', 'answer 413 above this size, compressed or not', String(DEFAULT_RECEIVER_MAX_BODY_BYTES))
    .action(async (options: { out: string; port: string; host: string; apiKey?: string; maxBodyBytes: string }) => {
      const receiver = await startReceiver({
        outDir: options.out,
        port: Number(options.port),
        host: options.host,
        apiKey: options.apiKey ?? envConfig().apiKey,
        maxBodyBytes: Number(options.maxBodyBytes),
      });
      const stop = () => {
        void receiver.close().then(() => {
          process.stdout.write(`optrail receive: ${JSON.stringify(receiver.stats)}\n`);
          process.exit(0);
        });
      };
      // Before the first line: whoever reads it may signal at once.
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const access = receiver.requiresKey ? 'bearer key required' : 'loopback only, no key required';
      process.stdout.write(`optrail receive: listening on ${receiver.url} (${access}), writing to ${options.out}\n`);
    });
}
