import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPipeline, op, type Exporter, type ExporterHost } from '../index.js';
import { chromeTraceExporter, htmlExporter, type ChromeTraceExporterOptions, type HtmlExporterOptions } from '../exporters/index.js';
import { tempDir } from './helpers.js';

/** Options as a caller without types (plain JavaScript, a config file) may pass them. */
const untyped = <T>(value: unknown) => value as T;

describe('the Chrome trace and HTML exporters check their options at once, naming the wrong one', () => {
  const cases: Array<[string, () => unknown, string]> = [
    ['chrome: an unknown option', () => chromeTraceExporter(untyped<ChromeTraceExporterOptions>({ path: 'a.json', maxEvent: 10 })), 'chromeTraceExporter: invalid options: (options): Unrecognized key: "maxEvent"'],
    ['chrome: path of the wrong type', () => chromeTraceExporter(untyped<ChromeTraceExporterOptions>({ path: 42 })), 'chromeTraceExporter: invalid options: path: Invalid input: expected string, received number'],
    ['chrome: no path', () => chromeTraceExporter(untyped<ChromeTraceExporterOptions>(undefined)), 'chromeTraceExporter: invalid options: path: Invalid input: expected string, received undefined'],
    ['chrome: maxEvents not a positive integer', () => chromeTraceExporter({ path: 'a.json', maxEvents: 0 }), 'chromeTraceExporter: invalid options: maxEvents: Too small: expected number to be >0'],
    ['html: an unknown option', () => htmlExporter(untyped<HtmlExporterOptions>({ path: 'a.html', titel: 'x' })), 'htmlExporter: invalid options: (options): Unrecognized key: "titel"'],
    ['html: title of the wrong type', () => htmlExporter(untyped<HtmlExporterOptions>({ path: 'a.html', title: { text: 'x' } })), 'htmlExporter: invalid options: title: Invalid input: expected string, received object'],
    ['html: an empty path', () => htmlExporter({ path: '' }), 'htmlExporter: invalid options: path: Too small: expected string to have >=1 characters'],
    ['html: options that are not an object', () => htmlExporter(untyped<HtmlExporterOptions>('out.html')), 'htmlExporter: invalid options: (options): Invalid input: expected object, received string'],
  ];
  for (const [name, make, message] of cases) {
    it(name, () => {
      expect(make).toThrow(new TypeError(message));
      try {
        make();
      } catch (error) {
        expect(error).toBeInstanceOf(TypeError);
      }
    });
  }

  it('valid options still write their file (the typed options are the ones accepted)', async () => {
    const dir = tempDir();
    const chrome: ChromeTraceExporterOptions = { path: join(dir, 'run.json'), maxEvents: 100 };
    const html: HtmlExporterOptions = { path: join(dir, 'run.html'), title: 'the <run>', maxEvents: 100 };
    const pipeline = createPipeline({ exporters: [chromeTraceExporter(chrome), htmlExporter(html)], exitSafety: false, logger: false });
    await pipeline.run(() => op('work', () => 1)());
    await pipeline.shutdown();
    expect(JSON.parse(readFileSync(chrome.path, 'utf8')).traceEvents.length).toBeGreaterThan(0);
    expect(existsSync(html.path)).toBe(true);
    expect(readFileSync(html.path, 'utf8')).toContain('<title>the &#60;run&#62;</title>');
  });
});

describe('ExporterHost, the type an exporter\u2019s attach receives, is exported next to Exporter', () => {
  it('an exporter written against it gets the pipeline\u2019s report', async () => {
    const reported: string[] = [];
    let host: ExporterHost | undefined;
    const mine: Exporter = {
      name: 'mine',
      attach: (given: ExporterHost) => {
        host = given;
      },
      export: () => host?.report('kept the batch elsewhere'),
    };
    const pipeline = createPipeline({ exporters: [mine], exitSafety: false, logger: { warn: (message) => reported.push(message) } });
    await pipeline.run(() => op('work', () => 1)());
    const report = await pipeline.shutdown();
    expect(pipeline.errors()).toEqual([expect.objectContaining({ source: 'exporter:mine', message: 'kept the batch elsewhere' })]);
    expect(report).toBeDefined();
  });
});
