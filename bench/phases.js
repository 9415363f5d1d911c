'use strict';
/**
 * One benchmark size, in its own process (so memory and JIT state of one
 * size never leak into another): the compile split into phases, emitted
 * rules per target, and the lower bound they are measured against.
 *
 *   node bench/phases.js POLICY.yaml
 *
 * Prints one JSON line. Uses the dist build (npm run build), the code users run.
 */
const path = require('path');
const dist = path.join(__dirname, '..', 'dist', 'lib');
const { loadPolicy } = require(path.join(dist, 'model', 'policy'));
const { resolve } = require(path.join(dist, 'resolve', 'resolve'));
const { ServiceSet } = require(path.join(dist, 'net', 'service'));
const { serialiseTerraform } = require(path.join(dist, 'targets', 'serialise'));
const { loadBackend } = require(path.join(dist, 'targets', 'registry'));
const { verifyOutput } = require(path.join(dist, 'verify'));

const TARGETS = ['aws', 'azure', 'gcp'];
const PLANNERS = { aws: 'planAws', azure: 'planAzure', gcp: 'planGcp' };

const now = () => performance.now();
function timed(fn) {
  const t = now();
  const value = fn();
  return [value, now() - t];
}

/**
 * The lower bound (docs/performance.md, "Lower bound"): for every segment X
 * and side (ingress, egress), the peers — a segment identity, or an address
 * term (one external or one anonymous `cidrs` list) — for which the meaning
 * admits a non-empty service set A = ∪ allows − ∪ denies naming that same
 * peer. Each (X, side, peer, A) is one group. Also the AWS bound: a rule
 * there holds one peer (a group, one CIDR, or one prefix list of one family)
 * and one protocol with one port range. And the Azure bound: a rule there
 * holds one protocol (any port ranges) and peers of one family.
 */
function lowerBound(ir) {
  let groups = 0;
  let awsAtoms = 0;
  let azureAtoms = 0;
  const key = (p) => (p.kind === 'segment' ? `s:${p.segment}` : `a:${p.label}`);
  for (const [, sides] of ir.sides) {
    for (const dir of ['ingress', 'egress']) {
      const side = sides[dir];
      const peers = new Map();
      for (const e of side.allow) {
        const k = key(e.peer);
        const g = peers.get(k) ?? { peer: e.peer, services: ServiceSet.EMPTY };
        g.services = g.services.union(e.services);
        peers.set(k, g);
      }
      for (const e of side.deny) {
        const g = peers.get(key(e.peer));
        if (g) g.services = g.services.subtract(e.services);
      }
      for (const g of peers.values()) {
        if (g.services.isEmpty()) continue;
        groups++;
        const a = g.services;
        const protoRanges = a.isAny() ? 1 : a.tcp.ranges.length + a.udp.ranges.length + (a.icmp ? 1 : 0) + (a.other ? 1 : 0);
        // A group reference is one peer; CIDRs count one each, except that 3 or more of one family
        // go into one managed prefix list (the AWS back end's default).
        const perFamily = (f) => {
          const n = g.peer.addresses.cidrCount(f);
          return n >= 3 ? 1 : n;
        };
        const peerUnits = g.peer.kind === 'segment' ? 1 : perFamily(4) + perFamily(6);
        awsAtoms += protoRanges * peerUnits;
        // Azure: a rule holds one protocol (or '*') with many port ranges, and many peers of one kind and one family.
        const protocols = a.isAny() ? 1 : (a.tcp.isEmpty() ? 0 : 1) + (a.udp.isEmpty() ? 0 : 1) + (a.icmp ? 1 : 0) + (a.other ? 1 : 0);
        const families = g.peer.kind === 'segment' ? 1 : (g.peer.addresses.hasFamily(4) ? 1 : 0) + (g.peer.addresses.hasFamily(6) ? 1 : 0);
        azureAtoms += protocols * families;
      }
    }
  }
  return { groups, awsAtoms, azureAtoms };
}

/** Emitted rules in a target's Terraform JSON, allows and denies apart. */
function emittedRules(target, tf) {
  const r = tf.resource ?? {};
  const values = (type) => Object.values(r[type] ?? {});
  if (target === 'aws') {
    const n = values('aws_vpc_security_group_ingress_rule').length + values('aws_vpc_security_group_egress_rule').length;
    return { rules: n, allow: n, deny: 0 };
  }
  if (target === 'azure') {
    const rules = values('azurerm_network_security_rule');
    const allow = rules.filter((x) => x.access === 'Allow').length;
    return { rules: rules.length, allow, deny: rules.length - allow };
  }
  const fws = values('google_compute_firewall');
  const allow = fws.filter((x) => x.allow !== undefined).length;
  return { rules: fws.length, allow, deny: fws.length - allow };
}

function main() {
  const file = process.argv[2];
  // The verifier is exhaustive (every pair of segments); above this size the runner skips it to stay in budget.
  const verifyMax = Number(process.argv[3] ?? Infinity);
  const phases = {};
  const [loaded, loadMs] = timed(() => loadPolicy(file));
  if (!loaded.policy) throw new Error(`policy did not load: ${JSON.stringify(loaded.diagnostics.slice(0, 3))}`);
  phases.load = loadMs;
  const [ir, resolveMs] = timed(() => resolve(loaded.policy));
  phases.resolve = resolveMs;

  const targets = {};
  const bound = lowerBound(ir);
  for (const t of TARGETS) {
    const [backend, requireMs] = timed(() => loadBackend(t));
    // The planner alone, as the construct calls it (the construct plans again; synth = compile - plan).
    const planner = require(path.join(dist, 'targets', t))[PLANNERS[t]];
    const [, planMs] = timed(() => planner(ir));
    const [out, compileMs] = timed(() => backend.compile(ir));
    const [text, serialiseMs] = timed(() => serialiseTerraform(out.terraform));
    let verifyMs = null;
    if (ir.segments.length <= verifyMax) {
      const [report, ms] = timed(() => verifyOutput(ir, t, out.terraform, out.identities));
      if (report.verdict !== 'equivalent') throw new Error(`${t}: verifier says ${report.verdict} (${report.mismatchCount} mismatches)`);
      verifyMs = ms;
    }
    const emitted = emittedRules(t, out.terraform);
    targets[t] = {
      requireMs,
      planMs,
      synthMs: Math.max(0, compileMs - planMs) + serialiseMs,
      verifyMs,
      resources: out.stats.resources,
      identities: out.stats.identities,
      bytes: Buffer.byteLength(text),
      ...emitted,
      typeCounts: Object.fromEntries(Object.entries(out.terraform.resource ?? {}).map(([k, v]) => [k, Object.keys(v).length])),
    };
  }
  const rssMB = process.memoryUsage().rss / 2 ** 20;
  process.stdout.write(
    JSON.stringify({ segments: ir.segments.length, rulesAndGuardrails: ir.rules.length, phases, targets, lowerBound: bound, rssMB }) + '\n',
  );
}

main();
