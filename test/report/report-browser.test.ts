/**
 * The HTML report in a real browser (Debian's chromium, headless, via playwright-core): every
 * figure renders, with no console error and no request leaving the file; the drawn marks agree
 * with the result (bar counts sum to the replicate counts, the estimate's rule lies between the
 * CI's rules, the observed value's rule sits where the null puts it). A full-page screenshot is
 * saved in the test's temp dir (or $INFOSHARD_SCREENSHOTS, which is kept).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { runCli } from '../cli/run-cli.js';
import { openBrowser, requireChromium, screenshotDir, type BrowserSession } from '../helpers/browser.js';
import { writeGaussianCsv } from './fixtures.js';

/** Sum of the counts Vega writes into each bar's aria-label ("…; replicates: 7"). */
function barCounts(page: Page, figure: string, yTitle: string): Promise<number> {
  return page.$$eval(`#fig-${figure} [aria-roledescription="bar"]`, (bars, y) =>
    bars.reduce((s, b) => s + Number(new RegExp(`${y}: (\\d+)`).exec(b.getAttribute('aria-label') ?? '')?.[1] ?? NaN), 0), yTitle);
}

/** Screen x of each rule mark of a figure, by its legend label (the aria-label's "label: …"). */
function ruleXs(page: Page, figure: string): Promise<Record<string, number>> {
  return page.$$eval(`#fig-${figure} [aria-roledescription="rule mark"]`, (rules) =>
    Object.fromEntries(rules.map((r) => [/label: (.*)$/.exec(r.getAttribute('aria-label') ?? '')?.[1] ?? '?', r.getBoundingClientRect().x])));
}

describe('report: opened in headless Chromium', function () {
  this.timeout(120_000);
  let chromium: string;
  let dir: string;
  let session: BrowserSession | undefined;

  before(function () {
    chromium = requireChromium(this);
    dir = mkdtempSync(join(tmpdir(), 'infoshard-report-browser-'));
  });
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('estimate report: three figures whose marks match the result, no errors, nothing fetched', async () => {
    const csv = writeGaussianCsv(join(dir, 'g.csv'), 300, 0.6, 5);
    const r = await runCli(['estimate', 'mi', '--data', csv, '--x', 'x', '--y', 'y', '--k', '4', '--bootstrap', '150', '--ci', 'bca',
      '--permutations', '199', '--bagging', '6', '--k-values', '3,5,7', '--seed', '11', '--threads', '1', '--json',
      '--report', join(dir, 'r.html'), '--replicates-out', join(dir, 'reps.json')]);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { estimate: number; pValue: number };
    const reps = JSON.parse(readFileSync(join(dir, 'reps.json'), 'utf8')) as { bootstrap: (number | null)[]; null: (number | null)[] };

    session = await openBrowser(chromium);
    const { page } = session;
    await page.goto(pathToFileURL(join(dir, 'r.html')).href, { waitUntil: 'load' });
    assert.deepEqual(await page.$$eval('figure', (fs) => fs.map((f) => f.id)), ['fig-bootstrap', 'fig-null', 'fig-ensemble']);
    for (const id of ['bootstrap', 'null', 'ensemble']) {
      const box = await page.locator(`#fig-${id} svg`).boundingBox();
      assert.ok(box && box.width > 300 && box.height > 100, `${id}: svg laid out (${JSON.stringify(box)})`);
      assert.ok((await page.locator(`#fig-${id} svg [role="graphics-symbol"]`).count()) > 3, `${id}: marks drawn`);
    }

    assert.equal(await barCounts(page, 'bootstrap', 'replicates'), reps.bootstrap.filter((v) => v !== null).length);
    assert.equal(await barCounts(page, 'null', 'permutations'), reps.null.filter((v) => v !== null).length);
    const b = Object.entries(await ruleXs(page, 'bootstrap'));
    const x = (prefix: string, xs: [string, number][]) => xs.find(([label]) => label.startsWith(prefix))?.[1] ?? NaN;
    assert.ok(x('95% bca CI low', b) < x('estimate', b) && x('estimate', b) < x('95% bca CI high', b), `estimate between the CI rules: ${JSON.stringify(b)}`);

    // the observed value lies right of every null bar exactly when no null value reaches it
    const nul = Object.entries(await ruleXs(page, 'null'));
    const barRight = await page.$$eval('#fig-null [aria-roledescription="bar"]', (bars) => Math.max(...bars.map((e) => e.getBoundingClientRect().right)));
    const beyond = reps.null.every((v) => v === null || v < result.estimate);
    assert.equal(x('observed', nul) > barRight, beyond);
    assert.equal(result.pValue === 1 / 200, beyond);
    // ensemble: one dot per member (3 values of k, combined, bagging)
    assert.equal(await page.locator('#fig-ensemble [aria-roledescription="point"]').count(), 5);

    assert.deepEqual(session.errors, []);
    assert.deepEqual(session.foreignRequests, []);
    const shot = join(screenshotDir(dir), 'report-estimate.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 10_000);
  });

  it('simulate report: estimates, coverage intervals and p-values render', async () => {
    const r = await runCli(['simulate', '--n', '120', '--datasets', '25', '--bootstrap', '30', '--ci', 'percentile', '--permutations', '29', '--seed', '4', '--json', '--report', join(dir, 's.html')]);
    assert.equal(r.code, 0, r.stderr);
    const sim = JSON.parse(r.stdout) as { coverage: number; datasets: number };
    session = await openBrowser(chromium);
    const { page } = session;
    await page.goto(pathToFileURL(join(dir, 's.html')).href, { waitUntil: 'load' });
    assert.equal(await barCounts(page, 'sim-estimates', 'datasets'), 25);
    assert.equal(await barCounts(page, 'sim-pvalues', 'datasets'), 25);
    // interval colours: green covers, red misses; the share of green is the reported coverage
    const strokes = await page.$$eval('#fig-sim-coverage .layer_0_marks [aria-roledescription="rule mark"]', (ls) => ls.map((l) => l.getAttribute('stroke')));
    assert.equal(strokes.length, 25);
    assert.equal(strokes.filter((s) => s === '#54a24b').length / 25, sim.coverage);
    assert.deepEqual(session.errors, []);
    assert.deepEqual(session.foreignRequests, []);
    const shot = join(screenshotDir(dir), 'report-simulate.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 10_000);
  });
});
