/**
 * `--report out.html` and `--plot out.svg|png` through the real CLI: the page is self-contained
 * and agrees with `--json`, the plot is the page's first figure, and bad targets are one-line
 * usage errors naming the flag (before any compute where the name alone is wrong).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { num } from '../../report/figures.js';
import { assertUsageError, runCli } from '../cli/run-cli.js';
import { writeGaussianCsv } from './fixtures.js';

describe('report: --report and --plot (CLI)', function () {
  this.timeout(120_000);
  let dir: string;
  let csv: string;
  let json: Record<string, unknown> & { estimate: number; units: string; pValue: number; ci: { low: number; high: number } };
  let html: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'infoshard-report-'));
    csv = writeGaussianCsv(join(dir, 'g.csv'), 300, 0.6, 5);
    const r = await runCli(['estimate', 'mi', '--data', csv, '--x', 'x', '--y', 'y', '--k', '4', '--bootstrap', '120', '--ci', 'percentile',
      '--permutations', '99', '--bagging', '6', '--k-values', '3,5', '--seed', '3', '--threads', '1', '--json',
      '--report', join(dir, 'r.html'), '--plot', join(dir, 'p.png')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    json = JSON.parse(r.stdout);
    html = readFileSync(join(dir, 'r.html'), 'utf8');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one HTML page with the result table and a figure per distribution, nothing fetched', () => {
    assert.match(html, /^<!DOCTYPE html>/);
    assert.deepEqual([...html.matchAll(/<figure id="fig-([a-z-]+)"/g)].map((m) => m[1]), ['bootstrap', 'null', 'ensemble']);
    assert.equal((html.match(/<svg /g) ?? []).length, 3);
    // self-contained: no script, stylesheet link, image/source URL or CSS url()
    for (const re of [/<script/i, /<link/i, /<img/i, /\ssrc=/i, /\shref=/i, /url\(/i, /@import/i]) assert.doesNotMatch(html, re);
    // the table says what --json says
    assert.match(html, new RegExp(`<th scope="row">estimate</th><td>${num(json.estimate).replace('.', '\\.')} nats</td>`));
    assert.ok(html.includes(`[${num(json.ci.low)}, ${num(json.ci.high)}]`), 'CI row');
    assert.ok(html.includes(`<td>${num(json.pValue)} (99 permutations)</td>`), 'p-value row');
  });

  it('--plot .png is the first figure (the bootstrap histogram) at twice its size', () => {
    const png = readFileSync(join(dir, 'p.png'));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const svgWidth = Number(/<svg role="img" aria-label="Bootstrap distribution" [^>]*width="(\d+)"/.exec(html)?.[1]);
    const svgHeight = Number(/<svg role="img" aria-label="Bootstrap distribution" [^>]*height="(\d+)"/.exec(html)?.[1]);
    assert.ok(svgWidth > 0 && svgHeight > 0);
    assert.equal(png.readUInt32BE(16), 2 * svgWidth, 'IHDR width');
    assert.equal(png.readUInt32BE(20), 2 * svgHeight, 'IHDR height');
  });

  it('run job.yaml takes --report too, and --plot .svg writes the SVG itself', async () => {
    writeFileSync(join(dir, 'job.yaml'), `data: g.csv\nmeasure: mi\nx: [x]\ny: [y]\nk: 4\nseed: 3\npermutation: { shuffles: 49 }\n`);
    const r = await runCli(['run', join(dir, 'job.yaml'), '--threads', '1', '--report', join(dir, 'j.html'), '--plot', join(dir, 'j.svg')]);
    assert.equal(r.code, 0, r.stderr);
    const page = readFileSync(join(dir, 'j.html'), 'utf8');
    assert.deepEqual([...page.matchAll(/<figure id="fig-([a-z-]+)"/g)].map((m) => m[1]), ['null']);
    const svg = readFileSync(join(dir, 'j.svg'), 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /aria-label="Y-axis titled 'permutations'/);
  });

  it('simulate --report draws estimates, per-dataset intervals and p-values', async () => {
    const r = await runCli(['simulate', '--n', '100', '--datasets', '12', '--bootstrap', '20', '--ci', 'percentile', '--permutations', '19', '--seed', '2', '--report', join(dir, 's.html'), '--plot', join(dir, 's.svg')]);
    assert.equal(r.code, 0, r.stderr);
    const page = readFileSync(join(dir, 's.html'), 'utf8');
    assert.deepEqual([...page.matchAll(/<figure id="fig-([a-z-]+)"/g)].map((m) => m[1]), ['sim-estimates', 'sim-coverage', 'sim-pvalues']);
    // one interval mark per dataset in the coverage figure
    const coverage = page.slice(page.indexOf('<figure id="fig-sim-coverage"'), page.indexOf('<figure id="fig-sim-pvalues"'));
    assert.equal((coverage.match(/aria-roledescription="rule mark" transform/g) ?? []).length, 12 + 1, '12 intervals + the truth line');
    assert.match(readFileSync(join(dir, 's.svg'), 'utf8'), /aria-label="Y-axis titled 'datasets'/);
  });

  it('a target with the wrong extension is a usage error naming the flag, before any work', async () => {
    const base = ['estimate', 'mi', '--data', csv, '--x', 'x', '--y', 'y', '--permutations', '9'];
    assertUsageError(await runCli([...base, '--plot', join(dir, 'out.gif')]), /--plot .*out\.gif: give a name ending in \.svg or \.png/);
    assertUsageError(await runCli([...base, '--report', join(dir, 'out.txt')]), /--report .*out\.txt: the report is an HTML file/);
    assertUsageError(await runCli(['simulate', '--datasets', '2', '--plot', 'x.pdf']), /--plot x\.pdf/);
  });

  it('nothing to plot, or a folder that does not exist, is an error naming the flag', async () => {
    const noResampling = await runCli(['estimate', 'mi', '--data', csv, '--x', 'x', '--y', 'y', '--json', '--plot', join(dir, 'none.svg')]);
    assert.equal(noResampling.code, 2);
    assert.match(noResampling.stderr, /^infoshard: error: --plot .*none\.svg: nothing to plot; add a bootstrap, a permutation test or an ensemble\n$/);
    const missing = await runCli(['estimate', 'mi', '--data', csv, '--x', 'x', '--y', 'y', '--permutations', '9', '--json', '--report', join(dir, 'no-such-dir', 'r.html')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^infoshard: error: cannot write --report .*no-such-dir\/r\.html: ENOENT/);
  });
});
