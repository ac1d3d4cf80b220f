import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeBaseline } from './baseline.ts';
import { checkDrift } from './check.ts';
import { buildDriftReport } from './report.ts';
import { renderDriftHtml } from './report-html.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'];
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'evidently');

let browser: Browser;
let html: string;

beforeAll(async () => {
  const folder = path.join(fixtures, 'large_reference');
  const baseline = await computeBaseline(path.join(folder, 'reference.parquet'));
  const evaluation = await checkDrift(path.join(folder, 'current.parquet'), baseline);
  html = renderDriftHtml(buildDriftReport(evaluation, { id: '1', modelName: 'churn', modelVersion: '3', createdAt: new Date(0), ...baseline }, path.join(folder, 'current.parquet'), new Date(0)));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
});

describe('the drift report in a real browser', () => {
  for (const width of [1280, 820]) {
    it(`fits a ${width}px window and names what a reader needs`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      try {
        await page.setContent(html, { waitUntil: 'load' });
        const shots = path.join(tmpdir(), 'weir-drift-report');
        await mkdir(shots, { recursive: true });
        await page.screenshot({ path: path.join(shots, `report-${width}.png`), fullPage: true });

        // A string, so this Node-typed file needs no DOM types; it runs in the page.
        const layout = (await page.evaluate(`(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          clientWidth: document.documentElement.clientWidth,
          overflowingSvgs: [...document.querySelectorAll('svg')].filter((svg) => svg.getBoundingClientRect().right > (svg.closest('td')?.getBoundingClientRect().right ?? Infinity) + 1).length,
          svgWidths: [...new Set([...document.querySelectorAll('svg')].map((svg) => Math.round(svg.getBoundingClientRect().width)))],
          rows: [...document.querySelectorAll('tbody tr')].map((row) => ({ name: row.querySelector('td b')?.textContent, state: row.querySelector('.verdict')?.textContent })),
        }))()`)) as { scrollWidth: number; clientWidth: number; overflowingSvgs: number; svgWidths: number[]; rows: { name: string; state: string }[] };
        expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
        expect(layout.overflowingSvgs).toBe(0);
        // Every chart has the same width, however many bars it holds.
        expect(layout.svgWidths).toHaveLength(1);
        // Drifted columns first.
        const states = layout.rows.map((row) => row.state);
        expect(states.indexOf('stable')).toBeGreaterThan(0);
        expect(states.slice(states.indexOf('stable'))).not.toContain('drifted');

        const text = await page.locator('body').innerText();
        expect(text).toContain('new category: new');
        expect(text).toMatch(/new categories: new\d+/);
        expect(text).not.toContain('__other__');
        const city = page.locator('tr', { has: page.locator('b', { hasText: /^city$/ }) });
        await expect(city.locator('svg text', { hasText: /^other \(\d+\)$/ }).count()).resolves.toBe(1);
        await expect(city.locator('svg text', { hasText: 'city (category)' }).count()).resolves.toBe(1);
        const heavy = page.locator('tr', { has: page.locator('b', { hasText: /^heavy_tail$/ }) });
        await expect(heavy.locator('svg text', { hasText: 'heavy_tail (value)' }).count()).resolves.toBe(1);
        await expect(heavy.locator('svg text', { hasText: 'share' }).count()).resolves.toBe(1);
        await expect(heavy.innerText()).resolves.toMatch(/outside the drawn 1st–99th percentile range: below -?[\d.]+: reference \d+, current \d+; above [\d.]+: reference \d+, current \d+/);
      } finally {
        await page.close();
      }
    });
  }
});
