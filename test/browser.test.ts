import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../views/html.js';
import { readEvents } from '../src/read/read-events.js';
import type { TraceEvent } from '../src/pipeline/exporter-types.js';
import { ev } from './processors/marbles.js';
import { tempDir } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const root = join(import.meta.dirname, '..');
const artifacts = join(root, 'test-artifacts');
const available = existsSync(CHROMIUM);

// In CI the browser must be there (.ci/run installs it): a missing browser fails, never skips.
if (process.env.CI && !available) {
  describe('HTML viewer in Chromium', () => {
    it('needs /usr/bin/chromium (apt-get install chromium)', () => {
      throw new Error(`${CHROMIUM} is missing: .ci/run must install Debian's chromium`);
    });
  });
} else {
  describe.skipIf(!available)('HTML viewer in Chromium', () => {
    let browser: import('playwright-core').Browser;
    beforeAll(async () => {
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      mkdirSync(artifacts, { recursive: true });
    });
    afterAll(async () => {
      await browser?.close();
    });

    async function open(events: TraceEvent[]) {
      const file = join(tempDir(), 'view.html');
      writeFileSync(file, renderHtml(events, { title: 'test run' }));
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const requests: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) requests.push(r.url());
      });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${file}`);
      return { page, requests, errors };
    }

    it('every tab, search, filter and the side panel work on a recorded run', async () => {
      const events = await lastValueFrom(readEvents(join(root, 'test/fixtures/agent-run.jsonl')).pipe(toArray()));
      const { page, requests, errors } = await open(events);
      const names = () => page.locator('#rows .row .name').allTextContents();
      expect(await names()).toEqual(['agent', 'search', 'flaky_tool', 'llm', 'background_job']);

      await page.fill('#search', 'tool');
      expect(await names()).toEqual(['agent', 'flaky_tool']);
      await page.fill('#search', '');
      await page.selectOption('#status', 'unfinished');
      expect(await names()).toEqual(['agent', 'background_job']);
      await page.selectOption('#status', '');

      await page.locator('#rows .row', { hasText: 'flaky_tool' }).click();
      const panel = page.locator('#panel');
      await expect(panel.isVisible()).resolves.toBe(true);
      expect(await panel.locator('h2').textContent()).toBe('flaky_tool');
      expect(await panel.textContent()).toContain('Error: timeout talking to <b>tool</b>');
      await page.locator('#rows .row', { hasText: 'llm' }).first().click();
      expect(await panel.textContent()).toContain('"model": "gpt-4o-mini"');
      await page.screenshot({ path: join(artifacts, 'viewer-tree.png') });

      await page.click('nav button[data-tab=timeline]');
      expect(await page.locator('#rows .bar').count()).toBe(5);
      await page.screenshot({ path: join(artifacts, 'viewer-timeline.png') });

      await page.click('nav button[data-tab=grouped]');
      const grouped = await page.locator('#rows').textContent();
      expect(grouped).toContain('▸ turn-0');
      expect(grouped).toContain('outside any group');
      await page.screenshot({ path: join(artifacts, 'viewer-grouped.png') });

      expect(requests).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    });

    it('hostile op names, keys and values never run', async () => {
      const hostile = '</script><script>window.pwned=1</script>"><img src=x onerror="window.pwned=2">';
      const events = [
        ev('op_start', hostile, 0, { inputs: { [hostile]: hostile } }, { ctx: ['main', 'x#0'] }),
        ev('annotation', hostile, 1, { key: hostile, value: hostile }, { ctx: ['main', 'x#0'] }),
        ev('op_end', hostile, 2, { outputs: { out: hostile }, status: 'ok', duration_ms: 1, yield_count: 0 }, { ctx: ['main', 'x#0'] }),
        ev('group_start', null, 3, { name: hostile }),
      ];
      const { page, errors } = await open(events);
      await page.locator('#rows .row').nth(1).click();
      for (const tab of ['timeline', 'grouped', 'tree']) await page.click(`nav button[data-tab=${tab}]`);
      expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.locator('#rows .row .name').first().textContent()).toBe(hostile);
      expect(errors).toEqual([]);
      await page.close();
    });

    it('stays responsive with 100,000 events: renders only what is visible', async () => {
      const events: TraceEvent[] = [];
      for (let i = 0; i < 50_000; i++) {
        events.push(ev('op_start', `step_${i % 100}`, 2 * i, { inputs: { i } }, { ctx: ['main', `step_${i % 100}#${i}`], at: 10 * i }));
        events.push(ev('op_end', `step_${i % 100}`, 2 * i + 1, { outputs: {}, status: 'ok', duration_ms: 0.005, yield_count: 0 }, { ctx: ['main', `step_${i % 100}#${i}`], at: 10 * i + 5 }));
      }
      const { page, errors } = await open(events);
      expect(await page.locator('#summary').textContent()).toBe('50001 rows');
      expect(await page.locator('#rows .row').count()).toBeLessThan(100);
      await page.fill('#search', 'step_42');
      expect(await page.locator('#summary').textContent()).toBe('501 rows');
      await page.click('nav button[data-tab=timeline]');
      await page.evaluate(() => ((globalThis as any).document.getElementById('view').scrollTop = 5000));
      expect(await page.locator('#rows .row').count()).toBeLessThan(100);
      expect(errors).toEqual([]);
      await page.screenshot({ path: join(artifacts, 'viewer-100k.png') });
      await page.close();
    });
  });
}
