/** Document paths of named things, so findings point at the line that defines them. */
import { PolicyDocument } from '../../model/types';

export function rulePath(doc: PolicyDocument, name: string): (string | number)[] {
  const g = (doc.guardrails ?? []).findIndex((r) => r.name === name);
  if (g >= 0) return ['guardrails', g, 'name'];
  const r = (doc.rules ?? []).findIndex((x) => x.name === name);
  if (r >= 0) return ['rules', r, 'name'];
  return [];
}

export function ruleField(doc: PolicyDocument, name: string, field: string): (string | number)[] {
  const p = rulePath(doc, name);
  return p.length ? [p[0], p[1], field] : [];
}

export function segmentPath(doc: PolicyDocument, name: string): (string | number)[] {
  const i = doc.segments.findIndex((s) => s.name === name);
  return i >= 0 ? ['segments', i, 'name'] : [];
}

export function externalPath(doc: PolicyDocument, name: string): (string | number)[] {
  const i = (doc.externals ?? []).findIndex((s) => s.name === name);
  return i >= 0 ? ['externals', i, 'name'] : [];
}
