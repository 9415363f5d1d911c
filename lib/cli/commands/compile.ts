/** `microseg compile POLICY --target aws|azure|gcp|all --out DIR`: Terraform JSON and identities, atomically. */
import { Command } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import { IDENTITY_FIELDS, identityChanges, identityNotes, releasableOf } from '../../analysis/apply-check/identities';
import { IdentitiesFile, TargetName, TargetOutput } from '../../targets/target';
import { count } from '../../model/words';
import { sortDiagnostics } from '../../model/diagnostics';
import { expiredSummary } from '../../resolve/expired';
import { writeAtomically } from '../atomic';
import { compileToFiles, planTargets, skippedLines } from '../compile-targets';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from '../errors';
import { CliIO } from '../io';
import { loadForCommand, printDiagnostics, todayOption } from '../policy-input';

export function register(program: Command, io: CliIO, done: (code: number) => void): void {
  program
    .command('compile')
    .description('compile a policy to Terraform JSON (DIR/<target>/cdk.tf.json) and identities.json, atomically')
    .argument('<policy>', 'policy file (YAML or JSON) or policy directory')
    .option('--target <target>', 'aws, azure, gcp, kubernetes, a comma-separated list, or all', 'all')
    .option('--out <dir>', 'output directory', 'out')
    .option('--stub-versions', 'write "stubbed" instead of cdktf and provider versions (for golden files)', false)
    .option('--previous <dir>', 'the output of the previous compile (DIR/<target>/identities.json, and cdk.tf.json where present): keep the identities it lists and each AWS rule in its group, note what workloads must attach or detach')
    .option('--release', 'with --previous: destroy the groups it lists as releasable (detach them from the workloads first)', false)
    .addOption(todayOption())
    .action((file: string, opts: { today?: string; target: string; out: string; stubVersions: boolean; previous?: string; release: boolean }) => {
      if (opts.release && opts.previous === undefined) throw new UsageError('--release needs --previous DIR (what to release is what the previous output lists as releasable)');
      const r = loadForCommand(io, file, opts.today);
      printDiagnostics(io, r.diagnostics);
      if (!r.ok) return done(r.code);
      const { targets, skipped } = planTargets(r.ir, opts.target);
      // The previous identities are an input of the compile (kept identities), so they are read first.
      const prev = opts.previous === undefined ? { identities: new Map<TargetName, IdentitiesFile>(), terraform: new Map() } : readPrevious(io, opts.previous, targets);
      if (prev === undefined) return done(EXIT_USAGE);
      const before = prev.identities;
      const c = compileToFiles(r.ir, targets, { stubVersions: opts.stubVersions, optional: opts.target === 'all', previous: before, previousTerraform: prev.terraform, release: opts.release });
      for (const line of skippedLines([...skipped, ...c.skipped])) io.err(`note: ${line}\n`);
      printDiagnostics(io, sortDiagnostics(c.diagnostics));
      if (c.failed) {
        io.err(`compile failed: nothing written to ${opts.out}\n`);
        return done(EXIT_FINDINGS);
      }
      if (c.outputs.length === 0) {
        io.err(`compile: no target could be compiled: nothing written to ${opts.out}\n`);
        return done(EXIT_USAGE);
      }
      const previous = previousNotes(before, c.outputs, c.addresses);
      // Relative to the command's working directory, like every other path it reads.
      writeAtomically(path.resolve(io.cwd, opts.out), c.files);
      for (const o of c.outputs) {
        io.out(`${o.target}: ${count(o.stats.identities, 'identity', 'identities')}, ${count(o.stats.rules, 'rule')}, ${count(o.stats.resources, 'resource')} -> ${opts.out}/${o.target}/cdk.tf.json\n`);
      }
      for (const line of previous) io.out(`note: ${line}\n`);
      if (r.ir.expired.length) io.out(`left out as of ${r.ir.today} (expired): ${expiredSummary(r.ir)}\n`);
      done(EXIT_OK);
    });
}

/** Each segment's entry must map field names to lists of identity addresses: anything else is refused, not crashed on. */
function checkSegmentEntries(segments: Record<string, unknown>): void {
  for (const [name, entry] of Object.entries(segments)) {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) throw new Error(`segment "${name}" is not an object`);
    for (const [field, ids] of Object.entries(entry)) {
      if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) throw new Error(`segment "${name}": "${field}" is not a list of identities`);
    }
  }
}

/**
 * `--previous DIR`: per target asked for, the identities the last compile
 * wrote, and its cdk.tf.json where present (AWS keeps each rule in its group).
 * A target missing from DIR is new: nothing to keep or compare. An unreadable
 * file is exit 2, before anything is compiled or written.
 */
function readPrevious(io: CliIO, dir: string, targets: readonly TargetName[]): { identities: Map<TargetName, IdentitiesFile>; terraform: Map<TargetName, Record<string, any>> } | undefined {
  const identities = new Map<TargetName, IdentitiesFile>();
  const terraform = new Map<TargetName, Record<string, any>>();
  // A mistyped or missing DIR must not read as "every target is new": that would plan the groups workloads carry for
  // destruction, the very thing --previous is there to prevent. A DIR without a target's folder is a new target.
  if (!fs.statSync(path.resolve(io.cwd, dir), { throwIfNoEntry: false })?.isDirectory()) {
    io.err(`${dir}: error MS0001 the previous output directory does not exist (or is not a directory)\n`);
    return undefined;
  }
  for (const t of targets) {
    const rel = path.join(dir, t, 'identities.json');
    const file = path.resolve(io.cwd, rel);
    if (!fs.existsSync(file)) continue;
    try {
      const before = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (!before || typeof before !== 'object' || typeof before.segments !== 'object' || before.segments === null) throw new Error('no "segments" object');
      checkSegmentEntries(before.segments);
      identities.set(t, before);
    } catch (e) {
      io.err(`${rel}: error MS0001 cannot read the previous identities: ${(e as Error).message}\n`);
      return undefined;
    }
    const tfRel = path.join(dir, t, 'cdk.tf.json');
    const tfFile = path.resolve(io.cwd, tfRel);
    if (!fs.existsSync(tfFile)) continue;
    try {
      const doc = JSON.parse(fs.readFileSync(tfFile, 'utf8'));
      if (!doc || typeof doc !== 'object') throw new Error('not a JSON object');
      terraform.set(t, doc);
    } catch (e) {
      io.err(`${tfRel}: error MS0001 cannot read the previous output: ${(e as Error).message}\n`);
      return undefined;
    }
  }
  return { identities, terraform };
}

/**
 * The previous identities compared with today's: what the workloads of each
 * segment must attach or detach, in apply order (see apply-check/identities.ts).
 */
function previousNotes(previous: ReadonlyMap<TargetName, IdentitiesFile>, outputs: readonly TargetOutput[], addresses: ReadonlyMap<TargetName, ReadonlySet<string>>): string[] {
  const lines: string[] = [];
  for (const o of outputs) {
    const before = previous.get(o.target);
    if (!before) continue;
    // The outputs come without their documents (compileToFiles): the addresses were taken before they went.
    const declared = addresses.get(o.target) ?? new Set<string>();
    const now = identitiesValues(o.identities);
    const releasable = releasableOf(o.identities);
    const segments = Object.keys(o.identities.segments).filter((s) => s in before.segments).sort();
    for (const ch of identityChanges(before, o.identities, segments, IDENTITY_FIELDS[o.target])) {
      for (const line of identityNotes(ch, (id) => declared.has(id) || now.has(id), (id) => releasable.has(id))) lines.push(`${o.target}: ${line}`);
    }
  }
  return lines;
}

/** Every identity some segment of the file still lists (a tag or account is no resource, yet it stays while listed). */
function identitiesValues(f: IdentitiesFile): Set<string> {
  return new Set(Object.values(f.segments).flatMap((e) => Object.values(e as Record<string, readonly string[]>).flat()));
}
