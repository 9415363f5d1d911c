/**
 * Plan stability helpers: compile a policy document for one target, diff two
 * synthesized outputs by Terraform address (what a plan compares), and
 * reorder a document in the ways that must never change the output.
 */
import * as YAML from 'yaml';
import { SegmentationPolicy } from '../../lib/model/policy';
import { resolve } from '../../lib/resolve/resolve';
import { loadBackend } from '../../lib/targets/registry';
import { serialiseTerraform } from '../../lib/constructs/synth';
import { TargetName } from '../../lib/targets/target';
import { generatePolicy } from '../../bench/generate';

/** 30 segments: three apps, calls between them, every guardrail and external kind of the benchmark. */
export const SEGMENTS = 30;
export const basePolicy = (): Record<string, any> => generatePolicy(SEGMENTS);

export interface Compiled {
  readonly terraform: string;
  readonly identities: string;
  readonly resources: Map<string, string>;
}

/** Compile a document written as YAML text, as a user's file would be. */
export function compileText(target: TargetName, text: string, file = 'policy.yaml'): Compiled {
  const ir = resolve(SegmentationPolicy.fromSource(text, file));
  const out = loadBackend(target).compile(ir);
  const resources = new Map<string, string>();
  for (const [type, byName] of Object.entries<Record<string, any>>(out.terraform.resource ?? {})) {
    // "//" is cdktf's construct-path metadata and depends_on orders the apply: neither is part of the plan.
    for (const [name, body] of Object.entries(byName)) resources.set(`${type}.${name}`, JSON.stringify({ ...body, '//': undefined, depends_on: undefined }));
  }
  return { terraform: serialiseTerraform(out.terraform), identities: JSON.stringify(out.identities), resources };
}

export const compileDoc = (target: TargetName, doc: unknown): Compiled => compileText(target, YAML.stringify(doc));

export interface ResourceDiff {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
  readonly total: number;
}

/** Resources a plan would create, destroy or update in place. */
export function diff(a: Compiled, b: Compiled): ResourceDiff {
  const added = [...b.resources.keys()].filter((k) => !a.resources.has(k));
  const removed = [...a.resources.keys()].filter((k) => !b.resources.has(k));
  const changed = [...a.resources.keys()].filter((k) => b.resources.has(k) && a.resources.get(k) !== b.resources.get(k));
  return { added, removed, changed, total: added.length + removed.length + changed.length };
}

/** Resources whose description or tags name a rule: the resources "of that rule". */
export function resourcesOf(c: Compiled, rule: string): string[] {
  const word = new RegExp(`(^|[^a-z0-9-])${rule.replace(/-/g, '\\-')}($|[^a-z0-9-])`);
  return [...c.resources].filter(([, body]) => word.test(body)).map(([k]) => k);
}

// --- reorderings that must change nothing --------------------------------

const reversed = <T>(xs: readonly T[]): T[] => [...xs].reverse();

/** Every mapping's keys in reverse order, recursively (YAML key order means nothing). */
export function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys);
  if (v && typeof v === 'object') return Object.fromEntries(reversed(Object.entries(v)).map(([k, x]) => [k, reverseKeys(x)]));
  return v;
}

export function reverseRules(doc: Record<string, any>): Record<string, any> {
  return { ...doc, rules: reversed(doc.rules), guardrails: reversed(doc.guardrails) };
}

export function reverseSegments(doc: Record<string, any>): Record<string, any> {
  return { ...doc, segments: reversed(doc.segments), externals: reversed(doc.externals) };
}

/** Label dimensions, their values, and each segment's label keys in reverse order. */
export function reverseLabels(doc: Record<string, any>): Record<string, any> {
  const labels = Object.fromEntries(reversed(Object.entries<string[]>(doc.labels)).map(([k, vs]) => [k, reversed(vs)]));
  const segments = doc.segments.map((s: any) => ({ ...s, labels: Object.fromEntries(reversed(Object.entries(s.labels))) }));
  return { ...doc, labels, segments };
}
