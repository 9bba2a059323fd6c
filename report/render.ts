/**
 * Vega-Lite spec → SVG with Vega's headless renderer (no DOM, no canvas: `renderer: 'none'` and
 * `view.toSVG()`), and SVG → PNG with resvg (a Rust rasteriser shipped as prebuilt Node binaries).
 * Both are loaded on first use so commands that draw nothing never pay for them.
 */
import type { TopLevelSpec } from 'vega-lite';

/**
 * Vega and Vega-Lite print warnings with console.warn; a report must not write to the CLI's
 * stderr, so they are collected here instead (tests assert there are none: each one is a bug in
 * a spec of figures.ts).
 */
function collectingLogger(sink: string[]) {
  let level = 2; // Warn
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error(...args: unknown[]) {
      sink.push(`error: ${args.join(' ')}`);
      return logger;
    },
    warn(...args: unknown[]) {
      sink.push(`warning: ${args.join(' ')}`);
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

/** Render one Vega-Lite spec to a standalone SVG document string; `warnings` collects Vega's. */
export async function renderSvg(spec: TopLevelSpec, warnings: string[] = []): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const logger = collectingLogger(warnings);
  const compiled = vl.compile(spec, { logger }).spec;
  // Our specs inline their data; the loader refuses every fetch so a report never depends on
  // the network (renderer 'none': no scenegraph renderer is attached, toSVG() writes markup).
  const loader = vega.loader({ mode: 'file' });
  loader.load = async (uri: string) => {
    throw new Error(`report specs inline their data; refusing to load ${uri}`);
  };
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader, logger });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterise an SVG (from renderSvg) to PNG bytes at `scale`× its size, text with system fonts. */
export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array> {
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
    background: 'white',
  });
  return resvg.render().asPng();
}
