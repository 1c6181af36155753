/**
 * Issue 17 §4 in the HTML viewer: request rows with their usage and one row per model, op and
 * group rows with their subtree's tokens and cost, the details panel with the op's rollup. The
 * page formats as format.ts does (checked here on random sums), keeps its Content-Security-Policy,
 * and shows a hostile model name as text.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCost, formatDuration, formatModelLine, formatTokens, formatUsage } from '../views/format.js';
import { renderHtml } from '../views/html.js';
import { VIEWER_FORMAT } from '../views/html-viewer.js';
import { allModels, emptyTotals, type ModelTokens, type Totals } from '../views/tree-totals.js';
import type { TraceEvent } from '../src/pipeline/exporter-types.js';
import { opEnd, opStart, twoModelsOneUnknown, usage } from './usage-rollups-fixture.js';
import { tempDir } from './helpers.js';

type PageFormat = {
  dur: (ms: number | undefined) => string;
  tokensText: (u: ModelTokens) => string;
  costText: (u: ModelTokens) => string;
  usageText: (u: ModelTokens) => string;
  modelLine: (model: string, u: ModelTokens) => string;
  allModels: (t: Totals) => ModelTokens;
};
// The page's functions, as the page defines them (plain JavaScript over JSON data, no DOM).
const page = new Function(`${VIEWER_FORMAT}; return { dur, tokensText, costText, usageText, modelLine, allModels };`)() as PageFormat;

const HOSTILE_MODEL = '</script><img src=x onerror="window.pwned=1">';
const CSP = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`;

const count = fc.oneof(fc.nat(5000), fc.constantFrom(0, 1, 1e21, 1e300, Number.MAX_VALUE), fc.double({ min: 0, max: 1e6, noNaN: true }));
const usageSum = fc.record({
  calls: fc.nat(20),
  prompt: count,
  completion: count,
  total: count,
  cacheRead: count,
  cacheWrite: count,
  reasoning: count,
  costUsd: fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(0, 0.01, 0.00999999, 1e300)),
  costUnknownCalls: fc.nat(20),
});

describe('the HTML viewer formats usage as the text views do', () => {
  it('tokens, cost, usage and model lines (random sums, huge and fractional counts included)', () => {
    fc.assert(
      fc.property(usageSum, fc.string(), (u, model) => {
        expect(page.tokensText(u)).toBe(formatTokens(u));
        expect(page.costText(u)).toBe(formatCost(u));
        expect(page.usageText(u)).toBe(formatUsage(u));
        expect(page.modelLine(model, u)).toBe(formatModelLine(model, u));
      }),
      { numRuns: 500 },
    );
  });

  it('the sum over models, models named __proto__ and constructor included, from the page’s JSON', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('__proto__', 'constructor', 'gpt-4o', 'toString'), usageSum), { maxLength: 6 }), (entries) => {
        const totals = emptyTotals();
        for (const [model, u] of entries) totals.tokensByModel[model] = u;
        expect(page.allModels(JSON.parse(JSON.stringify(totals)))).toEqual(allModels(totals));
      }),
    );
  });

  it('durations (the rule the page already shared)', () => {
    fc.assert(fc.property(fc.oneof(fc.double({ min: 0, max: 1e7, noNaN: true }), fc.constant(undefined)), (ms) => {
        expect(page.dur(ms)).toBe(formatDuration(ms));
      }),
    );
  });

  it('a hostile model name never closes the data script or becomes markup; the CSP stays', () => {
    const html = renderHtml([opStart('r', 0, ['llm']), usage('r', 1, ['llm'], { model: HOSTILE_MODEL, prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, cost_usd: 0, cost_unknown: true }), opEnd('r', 2, ['llm'], 2)]);
    expect(html).toContain(CSP);
    expect(html).not.toContain('<img');
    expect(html.match(/<\/script>/g)).toHaveLength(2); // ours only
    expect(html).toContain('\\u003c/script\\u003e\\u003cimg src=x onerror=\\"window.pwned=1\\"\\u003e');
  });
});

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (process.env.CI && !available) {
  describe('usage in the HTML viewer in Chromium', () => {
    it('needs /usr/bin/chromium (apt-get install chromium)', () => {
      throw new Error(`${CHROMIUM} is missing: .ci/run must install Debian's chromium`);
    });
  });
} else {
  describe.skipIf(!available)('usage in the HTML viewer in Chromium', () => {
    let browser: import('playwright-core').Browser;
    beforeAll(async () => {
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
    });
    afterAll(async () => {
      await browser?.close();
    });

    async function open(events: TraceEvent[]) {
      const file = join(tempDir(), 'view.html');
      writeFileSync(file, renderHtml(events, { title: 'usage' }));
      const tab = await browser.newPage({ viewport: { width: 1600, height: 800 } });
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(e.message));
      await tab.goto(`file://${file}`);
      return { tab, errors };
    }

    it('rows, model rows, group rows and the details panel show tokens and cost, unknown said', async () => {
      const { tab, errors } = await open(twoModelsOneUnknown());
      const all = '4165 tok (in 3350 incl. 1200 cache read + 1500 cache write, out 815 incl. 100 reasoning)  $0.0182 + unknown';
      const models = [
        'model claude-sonnet-4  1 call  2500 tok (in 2000 incl. 200 cache read + 1500 cache write, out 500)  $0.0135',
        'model gpt-4o-2024-08-06  2 calls  1555 tok (in 1250 incl. 1000 cache read, out 305 incl. 100 reasoning)  $0.004700',
        'model my-local-model  1 call  110 tok (in 100, out 10)  cost unknown (1 call)',
      ];
      expect(await tab.locator('#rows .row.head').allTextContents()).toEqual([`request run-2 · 4 ops · 0 errors · ${all}`]);
      expect(await tab.locator('#rows .row.model').allTextContents()).toEqual(models);
      expect(await tab.locator('#rows .row .usage').allTextContents()).toEqual([
        all,
        '1500 tok (in 1200 incl. 1000 cache read, out 300 incl. 100 reasoning)  $0.004500',
        '2500 tok (in 2000 incl. 200 cache read + 1500 cache write, out 500)  $0.0135',
        '165 tok (in 150, out 15)  $0.000200 + unknown',
      ]);
      await tab.locator('#rows .row', { hasText: 'rerank' }).click();
      const panel = (await tab.locator('#panel pre').allTextContents()).find((t) => t.startsWith('165 tok'));
      expect(panel).toBe(['165 tok (in 150, out 15)  $0.000200 + unknown', 'model gpt-4o-2024-08-06  1 call  55 tok (in 50, out 5)  $0.000200', 'model my-local-model  1 call  110 tok (in 100, out 10)  cost unknown (1 call)'].join('\n'));
      expect(await tab.locator('#panel h3').allTextContents()).toEqual(['Inputs', 'Outputs', 'Tokens and cost (this op and below)', 'LLM usage']);

      await tab.click('nav button[data-tab=grouped]');
      expect(await tab.locator('#rows .row.head').allTextContents()).toEqual([`request run-2 · 2 group(s) · ${all}`, 'outside any group']);
      expect(await tab.locator('#rows .row.model').allTextContents()).toEqual(models);
      expect(await tab.locator('#rows .row[data-kind=group] .usage').allTextContents()).toEqual([
        '4000 tok (in 3200 incl. 1200 cache read + 1500 cache write, out 800 incl. 100 reasoning)  $0.0180',
        '165 tok (in 150, out 15)  $0.000200 + unknown',
      ]);
      expect(errors).toEqual([]);
      await tab.close();
    });

    it('a hostile model name (and one named __proto__) is shown as text and never runs', async () => {
      const { tab, errors } = await open([
        opStart('r', 0, ['llm']),
        usage('r', 1, ['llm'], { model: HOSTILE_MODEL, prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, cost_usd: 0, cost_unknown: true }),
        usage('r', 2, ['llm'], { model: '__proto__', prompt_tokens: 2, completion_tokens: 2, total_tokens: 4, cost_usd: 0.5 }),
        opEnd('r', 3, ['llm'], 3),
      ]);
      // Ordered by localeCompare, as the text views order them.
      expect(await tab.locator('#rows .row.model').allTextContents()).toEqual([
        'model __proto__  1 call  4 tok (in 2, out 2)  $0.5000',
        `model ${HOSTILE_MODEL}  1 call  2 tok (in 1, out 1)  cost unknown (1 call)`,
      ]);
      await tab.locator('#rows .row', { hasText: 'llm' }).last().click();
      expect(await tab.locator('#panel').textContent()).toContain(`model ${HOSTILE_MODEL}  1 call`);
      for (const name of ['timeline', 'grouped', 'tree']) await tab.click(`nav button[data-tab=${name}]`);
      expect(await tab.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
      expect(await tab.locator('img').count()).toBe(0);
      expect(errors).toEqual([]);
      await tab.close();
    });
  });
}
