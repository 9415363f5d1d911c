/**
 * `microseg graph POLICY --format mermaid|dot|svg|html [--group-by LABEL]
 * [--diff OLD] [--show-denied] [--out FILE]`: the segment graph.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { buildGraph, diffGraphs, SegmentGraph } from '../../analysis/graph';
import { ResolvedPolicy } from '../../resolve/ir';
import { renderDot } from '../../report/dot';
import { loadLint, renderHtml } from '../../report/html';
import { renderMermaid } from '../../report/mermaid';
import { renderSvg } from '../../report/svg';
import { EXIT_OK, UsageError } from '../errors';
import { CliIO } from '../io';
import { loadForCommand, printDiagnostics, todayOption } from '../policy-input';

const FORMATS = ['mermaid', 'dot', 'svg', 'html'] as const;
type Format = (typeof FORMATS)[number];

/** Write a file whole or not at all: a reader never sees half a report. */
export function writeFileAtomically(io: CliIO, file: string, text: string): string {
  const target = path.resolve(io.cwd, file);
  if (fs.existsSync(target) && fs.statSync(target).isDirectory()) throw new UsageError(`--out ${file}: is a directory (give a file name)`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  return target;
}

/** --group-by must name a label dimension of the policy. */
export function checkGroupBy(ir: ResolvedPolicy, groupBy: string | undefined): void {
  if (groupBy === undefined) return;
  const dims = Object.keys(ir.policy.doc.labels);
  if (!dims.includes(groupBy)) throw new UsageError(`--group-by: policy '${ir.name}' has no label '${groupBy}' (labels: ${dims.join(', ') || 'none'})`);
}

export function register(program: Command, io: CliIO, done: (code: number) => void): void {
  program
    .command('graph')
    .description('the segment graph: who can talk to whom, on what (Mermaid, DOT, SVG or a self-contained HTML page)')
    .argument('<policy>', 'policy file (YAML or JSON) or policy directory')
    .option('--format <format>', 'mermaid, dot, svg or html', 'mermaid')
    .option('--group-by <label>', 'group segments by a label (env, tier, app, or any label of the policy)')
    .option('--diff <old>', 'colour the edges added, removed and changed since this older policy')
    .option('--show-denied', 'also draw the edges that deny guardrails cut', false)
    .option('--fence', 'wrap Mermaid in a ```mermaid fence for markdown', false)
    .option('--out <file>', 'write to this file instead of stdout')
    .addOption(todayOption())
    .action(async (file: string, opts: { today?: string; format: string; groupBy?: string; diff?: string; showDenied: boolean; fence: boolean; out?: string }) => {
      if (!(FORMATS as readonly string[]).includes(opts.format)) throw new UsageError(`unknown format '${opts.format}' (expected ${FORMATS.join(', ')})`);
      const format = opts.format as Format;
      const r = loadForCommand(io, file, opts.today);
      printDiagnostics(io, r.diagnostics);
      if (!r.ok) return done(r.code);
      checkGroupBy(r.ir, opts.groupBy);
      const graphOpts = { groupBy: opts.groupBy, showDenied: opts.showDenied };
      let graph: SegmentGraph = buildGraph(r.ir, graphOpts);
      if (opts.diff !== undefined) {
        const old = loadForCommand(io, opts.diff, opts.today);
        printDiagnostics(io, old.diagnostics);
        if (!old.ok) return done(old.code);
        // The old policy may lack the label; group its segments only when it has it.
        const oldGroup = opts.groupBy !== undefined && opts.groupBy in old.ir.policy.doc.labels ? opts.groupBy : undefined;
        graph = diffGraphs(buildGraph(old.ir, { ...graphOpts, groupBy: oldGroup }), graph);
      }
      let text: string;
      if (format === 'mermaid') text = renderMermaid(graph, { fence: opts.fence });
      else if (format === 'dot') text = renderDot(graph);
      else if (format === 'svg') text = await renderSvg(renderDot(graph));
      else text = renderHtml({ ir: r.ir, graph, svg: await renderSvg(renderDot(graph, { title: '' }), { inline: true }), lint: loadLint(r.ir) });
      if (opts.out !== undefined) {
        writeFileAtomically(io, opts.out, text);
        io.err(`graph of '${r.ir.name}' (${format}) written to ${opts.out}\n`);
      } else io.out(text);
      done(EXIT_OK);
    });
}
