/**
 * What the OpenAI and Anthropic integration tests share: the client versions each test runs
 * against, clients pointed at the fixture server, and the recorded events in a comparable form.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import OpenAI6 from 'openai6';
import type { TraceEvent } from '../../src/pipeline/exporter-types.js';
import { payloadOf } from '../helpers.js';

/** The OpenAI client versions every OpenAI test runs against. */
export const OPENAI_VERSIONS = [
  { version: `openai ${readVersion('openai')}`, OpenAI: OpenAI as typeof OpenAI },
  { version: `openai ${readVersion('openai6')}`, OpenAI: OpenAI6 as unknown as typeof OpenAI },
] as const;

/** The Anthropic client version the Anthropic tests run against. */
export const ANTHROPIC_VERSION = `@anthropic-ai/sdk ${readVersion('@anthropic-ai/sdk')}`;

/** The installed version of a package (its package.json is not among its exports). */
function readVersion(name: string): string {
  return (JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/** An OpenAI client of `OpenAIClass` on the fixture server: no retries unless asked, no key from the environment. */
export function openaiClient(OpenAIClass: typeof OpenAI, url: string, options: ConstructorParameters<typeof OpenAI>[0] = {}): OpenAI {
  return new OpenAIClass({ apiKey: 'sk-test', baseURL: `${url}/v1`, maxRetries: 0, ...options });
}

/** An Anthropic client on the fixture server. */
export function anthropicClient(url: string, options: ConstructorParameters<typeof Anthropic>[0] = {}): Anthropic {
  return new Anthropic({ apiKey: 'sk-ant-test', baseURL: url, maxRetries: 0, ...options });
}

/** Request options naming the fixture to serve. */
export function fixture(name: string, more: Record<string, unknown> = {}): { headers: Record<string, string> } & Record<string, unknown> {
  return { headers: { 'x-fixture': name }, ...more };
}

/** Each event as `kind op_name ctx` and its payload without timing: what an exact sequence compares. */
export function sequence(events: readonly TraceEvent[]): Array<[string, Record<string, unknown>]> {
  return events.map((event) => [`${event.kind} ${event.op_name ?? '-'} ${event.ctx.join('/')}`, payloadOf(event)]);
}

/** A plain copy of a value (own enumerable fields, as JSON has them): what the caller's code can tell apart. */
export function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
