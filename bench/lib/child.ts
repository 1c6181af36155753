import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs a bench case in a fresh Node process (own heap, own JIT) and parses its JSON line. */
export function runCase<T>(script: string, args: Array<string | number>, nodeFlags: string[] = []): T {
  const output = execFileSync(process.execPath, [...nodeFlags, '--import', 'tsx', `bench/cases/${script}`, ...args.map(String)], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = output.trim().split('\n').at(-1)!;
  return JSON.parse(line) as T;
}
