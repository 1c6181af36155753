import type { Command } from 'commander';
import { envConfig } from '../../config.js';
import { startReceiver } from '../../receiver.js';

/** `optrail receive --port P --out DIR`: a local endpoint for the HTTP exporter. */
export function registerReceive(program: Command): void {
  program
    .command('receive')
    .description('receive batches from the HTTP exporter and append them as JSON Lines per request')
    .requiredOption('--out <dir>', 'where to write <request_id>.jsonl files')
    .option('--port <port>', 'port to listen on', '4319')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--api-key <key>', 'require this bearer key (default: OPTRAIL_API_KEY when set)')
    .option('--max-body-bytes <n>', 'answer 413 above this size', String(16 * 1024 * 1024))
    .action(async (options: { out: string; port: string; host: string; apiKey?: string; maxBodyBytes: string }) => {
      const receiver = await startReceiver({
        outDir: options.out,
        port: Number(options.port),
        host: options.host,
        apiKey: options.apiKey ?? envConfig().apiKey,
        maxBodyBytes: Number(options.maxBodyBytes),
      });
      process.stdout.write(`optrail receive: listening on ${receiver.url}, writing to ${options.out}\n`);
      const stop = () => {
        void receiver.close().then(() => {
          process.stdout.write(`optrail receive: ${JSON.stringify(receiver.stats)}\n`);
          process.exit(0);
        });
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
