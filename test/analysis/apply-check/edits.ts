/**
 * The small policy edits of issue 23, as pure functions on a policy
 * document: each returns the edited copy, or undefined where the edit does
 * not apply to that policy (nothing to narrow, only one rule to remove).
 */
export const EDIT_KINDS = ['add', 'remove', 'rename', 'widen', 'narrow', 'reorder', 'deny', 'segment'] as const;
export type EditKind = (typeof EDIT_KINDS)[number];

type Doc = Record<string, any>;

const clone = (d: Doc): Doc => JSON.parse(JSON.stringify(d));

/** A single port spec widened to a two-port range, or a named service given one more port. */
function widen(services: string[]): string[] {
  const i = services.findIndex((s) => /^(tcp|udp)\/\d+$/.test(s) && Number(s.split('/')[1]) < 65535);
  if (i < 0) return [...services, 'tcp/9000'];
  const [p, n] = services[i].split('/');
  return services.map((s, j) => (j === i ? `${p}/${n}-${Number(n) + 1}` : s));
}

function narrow(services: string[]): string[] | undefined {
  const i = services.findIndex((s) => /^(tcp|udp)\/\d+-\d+$/.test(s));
  if (i >= 0) return services.map((s, j) => (j === i ? s.split('-')[0] : s));
  return services.length > 1 ? services.slice(0, -1) : undefined;
}

export function applyEdit(base: Doc, kind: EditKind, pick = 0): Doc | undefined {
  const d = clone(base);
  const rules: Doc[] = d.rules ?? [];
  const segs: Doc[] = d.segments ?? [];
  const rule = rules.length ? rules[pick % rules.length] : undefined;
  switch (kind) {
    case 'add':
      if (segs.length === 0) return undefined;
      rules.push({ name: 'added-rule', from: { segment: segs[pick % segs.length].name }, to: { segment: segs[(pick + 1) % segs.length].name }, services: ['tcp/9443'] });
      d.rules = rules;
      return d;
    case 'remove':
      if (rules.length < 2) return undefined;
      rules.splice(pick % rules.length, 1);
      return d;
    case 'rename':
      if (!rule) return undefined;
      rule.name = `${rule.name}-renamed`.slice(0, 60);
      return d;
    case 'widen':
      if (!rule) return undefined;
      rule.services = widen(rule.services);
      return d;
    case 'narrow': {
      const n = rule && narrow(rule.services);
      if (!n) return undefined;
      rule!.services = n;
      return d;
    }
    case 'reorder':
      if (rules.length < 2 && (d.guardrails ?? []).length < 2) return undefined;
      d.rules = [...rules].reverse();
      if (d.guardrails) d.guardrails = [...d.guardrails].reverse();
      return d;
    case 'deny':
      if (segs.length === 0) return undefined;
      d.guardrails = [
        ...(d.guardrails ?? []),
        { name: 'added-deny', action: 'deny', from: { segment: segs[(pick + 1) % segs.length].name }, to: { segment: segs[pick % segs.length].name }, services: ['tcp/22'] },
      ];
      return d;
    case 'segment': {
      if (segs.length === 0) return undefined;
      const model = segs[pick % segs.length];
      const dim = Object.keys(model.labels)[0];
      d.labels[dim] = [...d.labels[dim], 'added'];
      segs.push({ name: 'added-seg', labels: { ...model.labels, [dim]: 'added' }, addresses: ['10.250.0.0/24'] });
      return d;
    }
  }
}
