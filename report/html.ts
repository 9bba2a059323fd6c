/**
 * One self-contained HTML page: a title, a table of results and the figures as inline SVG.
 * No script, no stylesheet or font link, no image URL: the file opens offline and can be mailed.
 */
import type { Figure } from './figures.js';

export interface ReportRow {
  label: string;
  value: string;
}

export interface RenderedFigure {
  figure: Figure;
  svg: string;
}

export interface ReportPage {
  title: string;
  subtitle: string;
  rows: ReportRow[];
  figures: RenderedFigure[];
  warnings: string[];
  /** Printed at the bottom: version, time written. */
  footer: string;
  /** A link above the title (the dashboard's job page links back to it); relative URLs only. */
  back?: { href: string; text: string };
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c]!);
}

const CSS = `
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #222; margin: 0; background: #fafafa; }
main { max-width: 760px; margin: 0 auto; padding: 24px 20px 40px; }
h1 { font-size: 22px; margin: 0 0 4px; }
p.sub { color: #555; margin: 0 0 20px; }
table { border-collapse: collapse; width: 100%; background: #fff; margin-bottom: 24px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #e4e4e4; vertical-align: top; }
th { width: 34%; font-weight: 600; color: #444; }
td { font-variant-numeric: tabular-nums; }
figure { margin: 0 0 28px; background: #fff; border: 1px solid #e4e4e4; padding: 12px; }
figure h2 { font-size: 17px; margin: 0 0 8px; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: #444; font-size: 14px; margin-top: 6px; }
.warn { background: #fff4e5; border-left: 4px solid #f58518; padding: 8px 12px; margin-bottom: 16px; }
.none { color: #666; font-style: italic; }
footer { color: #777; font-size: 13px; margin-top: 24px; }
nav { margin-bottom: 10px; }
`;

/** The page. Figure SVG comes from Vega's own serializer and is embedded as is. */
export function reportHtml(p: ReportPage): string {
  const rows = p.rows.map((r) => `<tr><th scope="row">${escapeHtml(r.label)}</th><td>${escapeHtml(r.value)}</td></tr>`).join('\n');
  const warnings = p.warnings.map((w) => `<div class="warn" role="note">warning: ${escapeHtml(w)}</div>`).join('\n');
  const figures = p.figures.length
    ? p.figures
        .map(({ figure, svg }) => `<figure id="fig-${figure.id}" aria-labelledby="h-${figure.id}">
<h2 id="h-${figure.id}">${escapeHtml(figure.title)}</h2>
${svg.replace(/^<svg /, `<svg role="img" aria-label="${escapeHtml(figure.title)}" `)}
<figcaption>${escapeHtml(figure.caption)}</figcaption>
</figure>`)
        .join('\n')
    : '<p class="none">No resampling was requested, so there is no distribution to plot (add a bootstrap or permutation test).</p>';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(p.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${p.back ? `<nav><a href="${escapeHtml(p.back.href)}">${escapeHtml(p.back.text)}</a></nav>\n` : ''}<h1>${escapeHtml(p.title)}</h1>
<p class="sub">${escapeHtml(p.subtitle)}</p>
${warnings}
<table>
<caption hidden>Results</caption>
${rows}
</table>
${figures}
<footer>${escapeHtml(p.footer)}</footer>
</main>
</body>
</html>
`;
}
