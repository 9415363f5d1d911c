/**
 * Plain-data copies for the object front doors (`fromObject`, `define`):
 * the caller's object is copied so later mutation cannot change a validated
 * policy, and anything JSON could not hold is refused with a finding rather
 * than passed on (functions, class instances, cycles, prototype keys).
 */
import { Finding } from './locator';
import { FORBIDDEN_KEYS, MAX_DEPTH } from './loader';
import { NodePath } from './types';

export function toPlain(value: unknown): { value: unknown; findings: Finding[] } {
  const findings: Finding[] = [];
  const out = copy(value, [], new Set(), findings);
  return { value: out, findings };
}

function copy(v: unknown, path: NodePath, ancestors: Set<object>, findings: Finding[]): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return v;
    findings.push({ code: 'MS1020', message: `unsupported value ${v}: numbers must be finite`, path });
    return undefined;
  }
  if (typeof v !== 'object') {
    findings.push({ code: 'MS1020', message: `unsupported value of type ${typeof v}`, path });
    return undefined;
  }
  if (path.length > MAX_DEPTH) {
    findings.push({ code: 'MS1018', message: `policy is nested too deeply (more than ${MAX_DEPTH} levels)`, path });
    return undefined;
  }
  if (ancestors.has(v)) {
    findings.push({ code: 'MS1020', message: 'cyclic reference: a policy is a tree', path });
    return undefined;
  }
  ancestors.add(v);
  try {
    if (Array.isArray(v)) return v.map((item, i) => copy(item, [...path, i], ancestors, findings));
    const proto = Object.getPrototypeOf(v);
    // Plain means "Object.prototype of some realm" (vm contexts, jest, iframes) or null.
    if (proto !== null && Object.getPrototypeOf(proto) !== null) {
      const what = v instanceof Date ? "a Date (write dates as 'YYYY-MM-DD' strings)" : `an instance of ${(proto as { constructor?: { name?: string } })?.constructor?.name ?? 'a class'}`;
      findings.push({ code: 'MS1020', message: `unsupported value: ${what}; only plain objects, lists, strings, numbers and booleans`, path });
      return undefined;
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) {
      const childPath = [...path, key];
      if (FORBIDDEN_KEYS.includes(key)) {
        findings.push({ code: 'MS1015', message: `key '${key}' is not allowed anywhere in a policy`, path: childPath, at: 'key' });
        continue;
      }
      const child = (v as Record<string, unknown>)[key];
      if (child === undefined) continue; // an absent optional field, as in JSON
      out[key] = copy(child, childPath, ancestors, findings);
    }
    return out;
  } finally {
    ancestors.delete(v);
  }
}

/** Freeze a plain tree so a validated policy cannot change under its readers. */
export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v as object)) deepFreeze(child);
  }
  return v;
}
