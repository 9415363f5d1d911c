/**
 * DOT to SVG, offline: Graphviz compiled to WebAssembly (`@viz-js/viz`,
 * the WASM is embedded in the package; nothing is fetched). Loaded lazily:
 * only `graph --format svg|html` and `report` pay for it (~0.3 s).
 */
import type { Viz } from '@viz-js/viz';

let vizPromise: Promise<Viz> | undefined;

function viz(): Promise<Viz> {
  // require, not import: keeps the CommonJS build and defers loading the 1 MB module.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  vizPromise ??= (require('@viz-js/viz') as typeof import('@viz-js/viz')).instance();
  return vizPromise;
}

export interface SvgOptions {
  /** Drop the XML prolog and DOCTYPE so the SVG can be inlined in HTML. */
  readonly inline?: boolean;
}

/** Render DOT with the `dot` layout engine. Throws with Graphviz's messages when it fails. */
export async function renderSvg(dot: string, opts: SvgOptions = {}): Promise<string> {
  const v = await viz();
  const r = v.render(dot, { format: 'svg', engine: 'dot' });
  if (r.status !== 'success') throw new Error(`graphviz failed: ${r.errors.map((e) => e.message).join('; ')}`);
  let svg = r.output;
  if (opts.inline) svg = svg.replace(/^<\?xml[^>]*>\s*/, '').replace(/^<!DOCTYPE[^>]*>\s*/, '').replace(/^<!--[^]*?-->\s*/g, '');
  return svg;
}
