/**
 * One indentation slip, one error. A top-level section indented one level
 * too deep (`labels:` under `network:`, `segments:` under `labels:`) is still
 * valid YAML, and the checks would then report the section missing, every key
 * that moved with it as unknown where it landed, and every reference into it
 * (label dimensions, segment, external and service names) as unknown: tens of
 * errors for one slip. This keeps one error, at the misplaced key, saying
 * where it belongs. A section that is simply absent keeps its "missing" error
 * and drops only the unknown references that follow from its absence.
 */
import { Finding } from './locator';
import { formatPath } from './diagnostics';
import { NodePath } from './types';

/** Top-level sections and the codes that report a reference into one as unknown. */
const SECTIONS: Readonly<Record<string, readonly string[]>> = {
  metadata: [],
  network: [],
  labels: ['MS1001', 'MS1002', 'MS1253'],
  segments: ['MS1220'],
  externals: ['MS1221'],
  services: ['MS1222'],
  guardrails: [],
  rules: [],
  targets: [],
  suppressions: [],
};

/** What reports a key where it does not belong: unknown key, or a selector keyword used as a label dimension. */
const MISPLACED_CODES = new Set(['MS1100', 'MS1204']);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const within = (path: NodePath, prefix: NodePath) => prefix.length <= path.length && prefix.every((p, i) => String(p) === String(path[i]));

/** Mappings whose keys are sections, and a sibling the message can point to. */
const CONTAINERS: readonly { readonly at: NodePath; readonly sections: Readonly<Record<string, readonly string[]>> }[] = [
  { at: [], sections: SECTIONS },
  { at: ['targets'], sections: { aws: [], azure: [], gcp: [], kubernetes: [] } },
];

export function pruneCascades(value: unknown, findings: readonly Finding[]): Finding[] {
  let out = [...findings];
  for (const container of CONTAINERS) {
    const holder = container.at.reduce<unknown>((v, k) => (isRecord(v) ? v[String(k)] : undefined), value);
    if (!isRecord(holder)) continue;
    for (const [section, dependents] of Object.entries(container.sections)) {
      if (section in holder) continue;
      out = pruneSection(out, container.at, section, dependents);
    }
  }
  return out;
}

function pruneSection(findings: Finding[], at: NodePath, section: string, dependents: readonly string[]): Finding[] {
  const top = at.length === 0;
  const missing = findings.find((f) => f.code === 'MS1101' && f.path.length === at.length && within(f.path, at) && f.message.startsWith(`missing required key '${section}'`));
  // The shallowest place the section landed, where a check says it does not belong: an unknown
  // key there, or a finding inside it when it landed in a map of user-chosen names (services, labels).
  const landed =
    findings
      .filter((f) => MISPLACED_CODES.has(f.code) && f.path.length >= at.length + 2 && within(f.path, at) && f.path[f.path.length - 1] === section)
      .sort((a, b) => a.path.length - b.path.length)[0] ?? (top ? inNamedMap(findings, section) : undefined);
  if (!landed) return missing ? findings.filter((f) => !dependents.includes(f.code)) : findings;
  const parent = landed.path.slice(0, -1);
  const kept = findings.filter(
    (f) =>
      f !== missing &&
      !dependents.includes(f.code) &&
      !within(f.path, landed.path) &&
      // Keys that moved with it land beside it as unknown keys of the same mapping.
      !(f.code === 'MS1100' && f.path.length === landed.path.length && within(f.path, parent)),
  );
  const where = top ? `a top-level section${missing ? ' (the policy has none at the top level)' : ''}: start it in column 1, like apiVersion` : `it belongs in ${formatPath(at)}: indent it like the other entries of ${formatPath(at)}`;
  kept.push({ code: 'MS1100', message: `'${section}' is indented under ${formatPath(parent)}, but ${top ? 'it is ' : ''}${where}`, path: landed.path, at: 'key' });
  return kept;
}

/** Top-level maps whose keys are names the author chooses: a section indented under one becomes an entry of it. */
const NAMED_MAPS = ['services', 'labels'];

function inNamedMap(findings: readonly Finding[], section: string): Finding | undefined {
  for (const map of NAMED_MAPS) {
    const where: NodePath = [map, section];
    const inside = findings.find((f) => f.path.length > 2 && within(f.path, where));
    if (inside) return { code: 'MS1100', message: '', path: where, at: 'key' };
  }
  return undefined;
}
