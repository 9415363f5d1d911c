/**
 * Reading synthesized Terraform JSON (`cdk.tf.json`, ours or anyone's):
 * resources indexed by their Terraform address `TYPE.NAME`, and references
 * `${TYPE.NAME.attr}` resolved to the resource they name. The verifier only
 * ever reads values through this module, so that an expression it cannot
 * evaluate becomes a reported issue instead of a guess.
 */
import { AddressSet, parseCidr } from '../net/address';

/** Something the verifier could not evaluate, or a construct it does not model. */
export interface VerifyIssue {
  /** MS7xxx, see lib/verify/codes.ts. */
  readonly code: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  /** Terraform address of the resource concerned, when there is one. */
  readonly resource?: string;
}

export interface TfResource {
  readonly type: string;
  readonly name: string;
  /** `TYPE.NAME`. */
  readonly address: string;
  readonly body: Record<string, any>;
}

/** A reference expression `${TYPE.NAME.attr}` (or `${data.TYPE.NAME.attr}`). */
export interface TfReference {
  /** `TYPE.NAME` or `data.TYPE.NAME`. */
  readonly address: string;
  readonly type: string;
  readonly attr: string;
  readonly data: boolean;
}

const REF = /^\$\{(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][-A-Za-z0-9_]*)\.([a-z_][a-z0-9_]*)\}$/;

/** Parse a value that is exactly one reference; anything else (literal, other expression) gives undefined. */
export function parseReference(v: unknown): TfReference | undefined {
  if (typeof v !== 'string') return undefined;
  const m = REF.exec(v);
  if (!m) return undefined;
  const data = Boolean(m[1]);
  return { address: `${data ? 'data.' : ''}${m[2]}.${m[3]}`, type: m[2], attr: m[4], data };
}

/** Does a string contain a Terraform expression we would have to evaluate? */
export function isExpression(v: unknown): boolean {
  return typeof v === 'string' && v.includes('${');
}

export class TerraformDoc {
  readonly resources = new Map<string, TfResource>();
  readonly issues: VerifyIssue[] = [];

  constructor(readonly json: Record<string, any>) {
    const res = (json && typeof json === 'object' ? json.resource : undefined) ?? {};
    for (const type of Object.keys(res).sort()) {
      const byName = res[type] ?? {};
      for (const name of Object.keys(byName).sort()) {
        const body = byName[name];
        const address = `${type}.${name}`;
        if (body === null || typeof body !== 'object' || Array.isArray(body)) {
          this.issue('MS7011', `resource ${address} is not an object`, address);
          continue;
        }
        // count / for_each multiply a resource by values we cannot know; a literal count of 0 or 1 is fine.
        if ('for_each' in body) {
          this.issue('MS7011', `resource ${address} uses for_each, which the verifier cannot expand`, address);
          continue;
        }
        if ('count' in body) {
          if (body.count === 0) continue;
          if (body.count !== 1) {
            this.issue('MS7011', `resource ${address} uses count = ${JSON.stringify(body.count)}, which the verifier cannot expand`, address);
            continue;
          }
        }
        this.resources.set(address, { type, name, address, body });
      }
    }
  }

  issue(code: string, message: string, resource?: string, severity: VerifyIssue['severity'] = 'error'): void {
    this.issues.push({ code, severity, message, ...(resource ? { resource } : {}) });
  }

  ofType(type: string): TfResource[] {
    return [...this.resources.values()].filter((r) => r.type === type);
  }

  types(): string[] {
    return [...new Set([...this.resources.values()].map((r) => r.type))].sort();
  }

  get(address: string): TfResource | undefined {
    return this.resources.get(address);
  }

  /**
   * The resource of one of `types` a value designates: a reference to it
   * (`${aws_security_group.web.id}`), or a literal equal to one resource's
   * literal `attr` (e.g. an NSG named by its `name`). Reports and returns
   * undefined when it designates nothing in this document.
   */
  resolveResource(value: unknown, types: readonly string[], literalAttr: string | undefined, where: string): TfResource | undefined {
    const ref = parseReference(value);
    if (ref) {
      const r = this.resources.get(ref.address);
      if (r && types.includes(r.type)) return r;
      this.issue('MS7010', `${where}: reference ${String(value)} does not name a ${types.join(' or ')} in this output`, where.split(' ')[0]);
      return undefined;
    }
    if (typeof value === 'string' && !isExpression(value) && literalAttr) {
      const hits = [...this.resources.values()].filter((r) => types.includes(r.type) && r.body[literalAttr] === value);
      if (hits.length === 1) return hits[0];
    }
    this.issue('MS7010', `${where}: cannot resolve ${JSON.stringify(value)} to a ${types.join(' or ')} of this output`, where.split(' ')[0]);
    return undefined;
  }

  /**
   * An identity token for a value that names an identity (a group, an ASG, a
   * service account): the Terraform address for a reference, the literal
   * itself otherwise. identities.json entries are normalised the same way,
   * so `${aws_security_group.web.id}` and `aws_security_group.web` agree.
   * A reference to a resource absent from the output is reported.
   */
  identityToken(value: unknown, where: string): string | undefined {
    if (typeof value !== 'string') {
      this.issue('MS7010', `${where}: identity ${JSON.stringify(value)} is not a string`, where.split(' ')[0]);
      return undefined;
    }
    const ref = parseReference(value);
    if (ref) {
      if (!ref.data && !this.resources.has(ref.address)) {
        this.issue('MS7010', `${where}: reference ${value} names no resource of this output`, where.split(' ')[0]);
        return undefined;
      }
      return ref.address;
    }
    if (isExpression(value)) {
      this.issue('MS7010', `${where}: cannot evaluate the expression ${value}`, where.split(' ')[0]);
      return undefined;
    }
    return value;
  }

  /** A list field: absent → [], a list → itself, a single value → [value]. An expression standing for a whole list is reported. */
  list(body: Record<string, any>, key: string, where: string): unknown[] {
    const v = body[key];
    if (v === undefined || v === null) return [];
    if (Array.isArray(v)) return v;
    if (isExpression(v)) {
      this.issue('MS7010', `${where}: cannot evaluate ${key} = ${v}`, where.split(' ')[0]);
      return [];
    }
    return [v];
  }

  /** CIDR strings to an address set; expressions and invalid CIDRs are reported and left out (the rule is then marked unsure by the caller). */
  cidrs(values: readonly unknown[], where: string): { set: AddressSet; ok: boolean } {
    let set = AddressSet.EMPTY;
    let ok = true;
    for (const v of values) {
      if (typeof v !== 'string' || isExpression(v)) {
        this.issue('MS7010', `${where}: cannot evaluate address ${JSON.stringify(v)}`, where.split(' ')[0]);
        ok = false;
        continue;
      }
      const p = parseCidr(v);
      if (!p.ok) {
        this.issue('MS7011', `${where}: ${p.reason}`, where.split(' ')[0]);
        ok = false;
        continue;
      }
      set = set.union(AddressSet.fromRanges([{ family: p.cidr.family, lo: p.cidr.lo, hi: p.cidr.hi }]));
    }
    return { set, ok };
  }

  /** A number field that may be written as a string ("443"); expressions are reported. */
  int(v: unknown, where: string): number | undefined {
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
    this.issue('MS7010', `${where}: cannot evaluate the number ${JSON.stringify(v)}`, where.split(' ')[0]);
    return undefined;
  }
}

/** identities.json as any reader sees it: segment → field → values. */
export interface IdentitiesLike {
  readonly target?: string;
  readonly segments?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * Identity tokens per segment from identities.json, normalised like the
 * references in the output (see `identityToken`). `mustExist` lists the
 * resource types a token must designate in this output (AWS groups, Azure
 * ASGs and NSGs); other tokens (GCP tags, service accounts) are values.
 */
export function readIdentities(
  doc: TerraformDoc,
  identities: IdentitiesLike,
  segments: readonly string[],
  field: string,
  mustExist?: readonly string[],
  /** How a value becomes a token; identityToken unless the cloud reads some expressions (GCP project variables). */
  token: (v: unknown, where: string) => string | undefined = (v, where) => doc.identityToken(v, where),
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const s of segments) {
    const entry = identities?.segments?.[s];
    const where = `identities.json segments.${s}.${field}`;
    const set = new Set<string>();
    out.set(s, set);
    if (!entry) {
      doc.issue('MS7012', `identities.json lists no identities for segment '${s}'`);
      continue;
    }
    const values = entry[field] ?? [];
    if (!Array.isArray(values)) {
      doc.issue('MS7012', `${where} is not a list`);
      continue;
    }
    for (const v of values) {
      let tok = token(v, where);
      if (tok === undefined) continue;
      if (mustExist && !tok.startsWith('data.')) {
        // identities.json names resources by address; a reference or address must designate one here.
        const r = doc.get(tok);
        if (!r || !mustExist.includes(r.type)) {
          doc.issue('MS7012', `${where}: '${tok}' is not a ${mustExist.join(' or ')} of this output`);
          continue;
        }
        tok = r.address;
      }
      set.add(tok);
    }
  }
  return out;
}
