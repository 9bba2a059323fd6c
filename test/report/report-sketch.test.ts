/**
 * Reports of summary-path results (issue 18): no replicate vector is kept, so the bootstrap and
 * null histograms are drawn from the quantile sketch (SummaryInfo.histograms), with a caption that
 * says so and states the sketch's accuracy. Checked against the exact replicates, which the same
 * run streams to --replicates-out: every bar differs from the exact binning only by replicates
 * that lie within the stated accuracy of a bin edge, and the bars add up to the finite replicates.
 * Then in headless Chromium: both figures render, their drawn bars sum to the counts, no errors;
 * a screenshot is saved (test temp dir or $INFOSHARD_SCREENSHOTS).
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

interface Hist {
  low: number;
  high: number;
  counts: number[];
}

function barCounts(page: Page, figure: string, yTitle: string): Promise<number> {
  return page.$$eval(`#fig-${figure} [aria-roledescription="bar"]`, (bars, y) =>
    bars.reduce((s, b) => s + Number(new RegExp(`${y}: (\\d+)`).exec(b.getAttribute('aria-label') ?? '')?.[1] ?? NaN), 0), yTitle);
}

/**
 * The sketch histogram against the exact replicates: |sketch bar − exact bar| summed over bars is
 * at most twice the number of replicates within α·|v − centre| of an inner bin edge (each such
 * replicate may move to a neighbour bar; no other may).
 */
function checkAgainstExact(h: Hist, values: number[], centre: number, alpha: number): void {
  const bins = h.counts.length;
  const w = (h.high - h.low) / bins;
  assert.equal(Math.min(...values), h.low, 'range: the exact minimum');
  assert.equal(Math.max(...values), h.high, 'range: the exact maximum');
  const exact = new Array<number>(bins).fill(0);
  let nearEdge = 0;
  for (const v of values) {
    exact[Math.min(bins - 1, Math.floor((v - h.low) / w))]!++;
    const tol = alpha * Math.abs(v - centre) * (1 + 1e-9);
    const j = Math.round((v - h.low) / w);
    if (j > 0 && j < bins && Math.abs(v - (h.low + j * w)) <= tol) nearEdge++;
  }
  assert.equal(h.counts.reduce((a, b) => a + b, 0), values.length, 'bars add up to the finite replicates');
  const moved = h.counts.reduce((s, c, j) => s + Math.abs(c - exact[j]!), 0);
  assert.ok(moved <= 2 * nearEdge, `${moved} replicate-bar differences, ${nearEdge} replicates within the accuracy of an edge`);
}

describe('report: histograms of a summary-path result (from the sketch)', function () {
  this.timeout(180_000);
  let chromium: string;
  let dir: string;
  let session: BrowserSession | undefined;

  before(function () {
    chromium = requireChromium(this);
    dir = mkdtempSync(join(tmpdir(), 'infoshard-report-sketch-'));
  });
  after(async () => {
    await session?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('bootstrap and null drawn from the sketch: captions say so, bars match the exact replicates within the stated accuracy', async () => {
    const csv = writeGaussianCsv(join(dir, 'g.csv'), 200, 0.4, 7);
    const r = await runCli(['estimate', 'mi', '--data', csv, '--x', 'x', '--y', 'y', '--estimator', 'gaussian', '--bootstrap', '6000', '--ci', 'percentile',
      '--permutations', '5000', '--summaries', '--seed', '3', '--threads', '2', '--json', '--report', join(dir, 'r.html'), '--replicates-out', join(dir, 'reps.json')]);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { estimate: number; summaries: { sketch: { relativeAccuracy: number; centre: number }; histograms: { bootstrap: Hist; null: Hist } } };
    const reps = JSON.parse(readFileSync(join(dir, 'reps.json'), 'utf8')) as { bootstrap: number[]; null: number[] };
    const { relativeAccuracy: alpha, centre } = result.summaries.sketch;
    checkAgainstExact(result.summaries.histograms.bootstrap, reps.bootstrap, centre, alpha);
    checkAgainstExact(result.summaries.histograms.null, reps.null, centre, alpha);

    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    assert.equal(html.match(/Drawn from the quantile sketch/g)?.length, 2, 'both captions name the sketch');
    assert.match(html, /within 0\.005 × its distance from the estimate/);

    session = await openBrowser(chromium);
    const { page } = session;
    await page.goto(pathToFileURL(join(dir, 'r.html')).href, { waitUntil: 'load' });
    assert.deepEqual(await page.$$eval('figure', (fs) => fs.map((f) => f.id)), ['fig-bootstrap', 'fig-null']);
    assert.equal(await barCounts(page, 'bootstrap', 'replicates'), 6000);
    assert.equal(await barCounts(page, 'null', 'permutations'), 5000);
    assert.ok((await page.locator('#fig-bootstrap [aria-roledescription="bar"]').count()) >= 10, 'a histogram, not a few bars');
    assert.deepEqual(session.errors, []);
    assert.deepEqual(session.foreignRequests, []);
    const shot = join(screenshotDir(dir), 'report-sketch.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 10_000);
  });
});
