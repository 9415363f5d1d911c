/**
 * A small GCP firewall evaluator for the tests, reading synthesized Terraform
 * JSON (`google_compute_firewall`) the way GCP evaluates VPC firewall rules:
 * per direction, the applicable rules whose target matches the instance, the
 * lowest priority number decides, deny wins ties, implied allow-egress and
 * deny-ingress at 65535. Independent of plan.ts on purpose: it reads only the
 * output. (The full verifier lives in lib/verify.)
 */
import { AddressSet, Family } from '../../../lib/net/address';
import { PROTO_ICMP, PROTO_TCP, PROTO_UDP } from '../../../lib/net/service';
import { TerraformJson } from '../../../lib/constructs/synth';

interface Block {
  protocol: string;
  ports?: string[];
}
interface Firewall {
  name: string;
  direction: 'INGRESS' | 'EGRESS';
  priority: number;
  allow?: Block[];
  deny?: Block[];
  disabled?: boolean;
  sourceRanges?: AddressSet;
  destinationRanges?: AddressSet;
  sourceTags?: string[];
  targetTags?: string[];
  sourceServiceAccounts?: string[];
  targetServiceAccounts?: string[];
}

/** An instance (identities = its tags or service account) or an outside host (no identities). */
export interface Host {
  readonly ids?: readonly string[];
  readonly family: Family;
  readonly address: bigint;
}

const NAMED: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, esp: 50, ah: 51, sctp: 132, ipip: 4 };

export class GcpEvaluator {
  readonly firewalls: Firewall[];

  constructor(tf: TerraformJson) {
    const res = (tf.resource?.google_compute_firewall ?? {}) as Record<string, any>;
    const known = new Set([
      'name', 'network', 'project', 'description', 'direction', 'priority', 'allow', 'deny', 'disabled',
      'source_ranges', 'destination_ranges', 'source_tags', 'target_tags', 'source_service_accounts', 'target_service_accounts',
    ]);
    this.firewalls = Object.values(res).map((r) => {
      for (const k of Object.keys(r)) if (k !== '//' && k !== 'lifecycle' && k !== 'depends_on' && !known.has(k)) throw new Error(`evaluator: unknown attribute '${k}' on firewall ${r.name}`);
      return {
        name: r.name,
        direction: r.direction ?? 'INGRESS',
        priority: r.priority ?? 1000,
        allow: r.allow,
        deny: r.deny,
        disabled: r.disabled,
        sourceRanges: r.source_ranges ? AddressSet.fromCidrs(r.source_ranges) : undefined,
        destinationRanges: r.destination_ranges ? AddressSet.fromCidrs(r.destination_ranges) : undefined,
        sourceTags: r.source_tags,
        targetTags: r.target_tags,
        sourceServiceAccounts: r.source_service_accounts,
        targetServiceAccounts: r.target_service_accounts,
      };
    });
  }

  /** Rules of `dir` that apply at `self` for packets from/to `peer`, ignoring protocol. */
  candidates(dir: 'INGRESS' | 'EGRESS', self: Host, peer: Host): Firewall[] {
    const has = (xs: string[] | undefined, ids: readonly string[] | undefined) => !!xs && !!ids && xs.some((x) => ids.includes(x));
    return this.firewalls.filter((f) => {
      if (f.direction !== dir || f.disabled) return false;
      if (f.targetTags) {
        if (!has(f.targetTags, self.ids)) return false;
      } else if (f.targetServiceAccounts) {
        if (!has(f.targetServiceAccounts, self.ids)) return false;
      }
      if (dir === 'INGRESS') {
        const anySource = f.sourceRanges || f.sourceTags || f.sourceServiceAccounts;
        const bySource = anySource
          ? (f.sourceRanges?.contains(peer.family, peer.address) ?? false) || has(f.sourceTags, peer.ids) || has(f.sourceServiceAccounts, peer.ids)
          : AddressSet.fromCidrs(['0.0.0.0/0']).contains(peer.family, peer.address);
        if (!bySource) return false;
        if (f.destinationRanges && !f.destinationRanges.contains(self.family, self.address)) return false;
      } else {
        const dst = f.destinationRanges ?? AddressSet.fromCidrs(['0.0.0.0/0']);
        if (!dst.contains(peer.family, peer.address)) return false;
        if (f.sourceRanges && !f.sourceRanges.contains(self.family, self.address)) return false;
      }
      return true;
    });
  }

  /** Decide among candidate rules for one packet; `undefined` means no rule matched. */
  static decide(cands: readonly Firewall[], proto: number, port: number): boolean | undefined {
    let best: number | undefined;
    let verdict: boolean | undefined;
    for (const f of cands) {
      const a = f.allow && blocksMatch(f.allow, proto, port);
      const d = f.deny && blocksMatch(f.deny, proto, port);
      if (!a && !d) continue;
      if (best === undefined || f.priority < best) {
        best = f.priority;
        verdict = !d;
      } else if (f.priority === best && d) verdict = false;
    }
    return verdict;
  }

  egress(self: Host, peer: Host, proto: number, port: number): boolean {
    return GcpEvaluator.decide(this.candidates('EGRESS', self, peer), proto, port) ?? true; // implied allow egress
  }

  ingress(self: Host, peer: Host, proto: number, port: number): boolean {
    return GcpEvaluator.decide(this.candidates('INGRESS', self, peer), proto, port) ?? false; // implied deny ingress
  }
}

export function blocksMatch(blocks: readonly Block[], proto: number, port: number): boolean {
  return blocks.some((b) => {
    if (b.protocol === 'all') return true;
    const n = NAMED[b.protocol] ?? Number(b.protocol);
    if (!Number.isInteger(n)) throw new Error(`evaluator: unknown protocol '${b.protocol}'`);
    if (n !== proto) return false;
    if ((proto === PROTO_TCP || proto === PROTO_UDP) && b.ports) {
      return b.ports.some((p) => {
        const [lo, hi] = p.split('-').map(Number);
        return port >= lo && port <= (hi ?? lo);
      });
    }
    return true;
  });
}

export { PROTO_ICMP };
