'use strict';
/**
 * A deterministic generator of realistic segmentation policies for the
 * benchmark and the plan-stability tests.
 *
 * Shape (N segments = 2 envs x 5 tiers x N/10 apps):
 *   labels      env [prod, staging], tier [web, app, db, cache, queue],
 *               app [a000 …], data [pci, std] (every 4th app holds card data)
 *   addresses   one disjoint IPv4 /24 per segment (10.x.y.0/24), plus an
 *               IPv6 /64 (fd00:…::/64) for web and app tiers; a few segments
 *               (the prod queue of every 40th app) declare none and default
 *               to network.internalCidrs, as real estates have stragglers
 *   externals   internet (0.0.0.0/0 and ::/0 minus the private ranges),
 *               corp-vpn, monitoring, dns resolvers (v4 + v6), partner-v6
 *   guardrails  an app's staging never reaches its prod (deny any), the
 *               internet never reaches a database (deny any), std tiers never
 *               reach their app's pci database (deny postgres), ops ssh from
 *               corp-vpn (allow)
 *   rules       the tier chain within an app (sameLabels env, app), internet
 *               to web, monitoring scrape, dns, and per-app calls between
 *               apps (chosen by a seeded PRNG, so they grow with N), some
 *               apps calling out to the internet, an anonymous partner CIDR.
 *
 * The same (segments, seed) always gives the same document, key order
 * included: nothing depends on time, the environment or Math.random.
 */

const ENVS = ['prod', 'staging'];
const TIERS = ['web', 'app', 'db', 'cache', 'queue'];
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];

/** mulberry32: a tiny seeded PRNG, good enough to pick call graphs. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const appName = (i) => `a${String(i).padStart(3, '0')}`;

/**
 * A policy document (plain object, ready for YAML or JSON) with `segments`
 * segments, a multiple of 10.
 */
function generatePolicy(segments, seed = 1) {
  if (!Number.isInteger(segments) || segments < 10 || segments % 10 !== 0) throw new Error(`segments must be a positive multiple of 10, got ${segments}`);
  const apps = segments / 10;
  const rand = prng(seed * 7919 + segments);
  const appNames = Array.from({ length: apps }, (_, i) => appName(i));
  const pci = (a) => a % 4 === 0;

  const segs = [];
  let k = 0;
  for (const env of ENVS)
    for (let a = 0; a < apps; a++)
      for (const tier of TIERS) {
        const seg = { name: `${appNames[a]}-${tier}-${env}`, labels: { env, tier, app: appNames[a], data: pci(a) && tier === 'db' ? 'pci' : 'std' } };
        const defaulted = env === 'prod' && tier === 'queue' && a % 40 === 0;
        if (!defaulted) {
          const addresses = [`10.${1 + (k >> 8)}.${k & 255}.0/24`];
          if (tier === 'web' || tier === 'app') addresses.push(`fd00:${k.toString(16)}::/64`);
          seg.addresses = addresses;
        }
        segs.push(seg);
        k++;
      }

  const rules = [
    { name: 'internet-to-web', from: { external: 'internet' }, to: { tier: 'web' }, services: ['https'], owner: 'team-edge', description: 'public storefronts' },
    { name: 'web-to-app', from: { tier: 'web' }, to: { tier: 'app' }, services: ['tcp/8080'], sameLabels: ['env', 'app'] },
    { name: 'app-to-db', from: { tier: 'app' }, to: { tier: 'db' }, services: ['postgres'], sameLabels: ['env', 'app'] },
    { name: 'app-to-cache', from: { tier: 'app' }, to: { tier: 'cache' }, services: ['redis'], sameLabels: ['env', 'app'] },
    { name: 'app-to-queue', from: { tier: 'app' }, to: { tier: 'queue' }, services: ['amqp'], sameLabels: ['env', 'app'] },
    { name: 'queue-to-app', from: { tier: 'queue' }, to: { tier: 'app' }, services: ['tcp/8081'], sameLabels: ['env', 'app'] },
    { name: 'monitoring-scrape', from: { external: 'monitoring' }, to: {}, services: ['metrics'], owner: 'team-sre' },
    { name: 'dns', from: {}, to: { external: 'dns' }, services: ['dns'] },
    { name: 'partner-feed', from: { cidrs: ['203.0.113.0/24'] }, to: { app: appNames[0], tier: 'web' }, services: ['tcp/8443'] },
    { name: 'partner-v6', from: { external: 'partner-v6' }, to: { tier: 'web', env: 'prod' }, services: ['https', 'icmp'] },
  ];
  // Calls between apps: each app's app tier calls 1-3 other apps' app tier,
  // same env only. Named by caller and callee, so they survive reordering.
  for (let a = 0; a < apps && apps > 1; a++) {
    const callees = new Set();
    const n = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < n; i++) {
      const b = Math.floor(rand() * apps);
      if (b !== a) callees.add(b);
    }
    for (const b of [...callees].sort((x, y) => x - y)) {
      rules.push({
        name: `${appNames[a]}-calls-${appNames[b]}`,
        from: { app: appNames[a], tier: 'app' },
        to: { app: appNames[b], tier: 'app' },
        services: [rand() < 0.5 ? 'https' : 'grpc'],
        sameLabels: ['env'],
        owner: `team-${appNames[a]}`,
      });
    }
    // One app in five calls an outside API.
    if (rand() < 0.2) rules.push({ name: `${appNames[a]}-to-internet`, from: { app: appNames[a], tier: 'app' }, to: { external: 'internet' }, services: ['https'] });
  }

  return {
    apiVersion: 'microseg/v1',
    kind: 'SegmentationPolicy',
    metadata: { name: `bench-${segments}` },
    labels: { env: ENVS, tier: TIERS, app: appNames, data: ['pci', 'std'] },
    segments: segs,
    externals: [
      { name: 'internet', cidrs: ['0.0.0.0/0', '::/0'], except: PRIVATE, description: 'everything but the private ranges' },
      { name: 'corp-vpn', cidrs: ['192.168.100.0/22'] },
      { name: 'monitoring', cidrs: ['10.250.0.0/24', 'fd00:fa::/64'] },
      { name: 'dns', cidrs: ['10.255.0.2/32', '10.255.0.3/32', 'fd00:ff::53/128'] },
      { name: 'partner-v6', cidrs: ['2001:db8:100::/48'] },
    ],
    services: {
      https: ['tcp/443'],
      grpc: ['tcp/9090-9091'],
      postgres: ['tcp/5432'],
      redis: ['tcp/6379'],
      amqp: ['tcp/5671-5672'],
      metrics: ['tcp/9100', 'tcp/9400-9409'],
      dns: ['udp/53', 'tcp/53'],
    },
    guardrails: [
      // Per app (sameLabels): a global 500 x 500 identity deny cannot be
      // expressed within Azure's 100 ASGs per NSG, and the compiler rightly
      // refuses it (MS5003); see docs/performance.md.
      { name: 'staging-never-reaches-prod', action: 'deny', from: { env: 'staging' }, to: { env: 'prod' }, services: ['any'], sameLabels: ['app'], owner: 'security' },
      { name: 'no-internet-to-db', action: 'deny', from: { external: 'internet' }, to: { tier: 'db' }, services: ['any'], owner: 'security' },
      { name: 'pci-isolation', action: 'deny', from: { data: 'std', tier: ['web', 'cache', 'queue'] }, to: { data: 'pci' }, services: ['postgres'], sameLabels: ['env', 'app'], owner: 'security' },
      { name: 'ops-ssh', action: 'allow', from: { external: 'corp-vpn' }, to: { tier: ['web', 'app'] }, services: ['tcp/22'], owner: 'security' },
    ],
    rules,
    targets: {
      aws: { region: 'eu-west-1', vpcId: 'vpc-0123456789abcdef0' },
      azure: { location: 'westeurope', resourceGroupName: 'rg-bench' },
      gcp: { project: 'bench-prod-123', network: 'projects/bench-prod-123/global/networks/main' },
    },
  };
}

/** The benchmark sizes. */
const SIZES = [10, 100, 500, 1000];

module.exports = { generatePolicy, SIZES, prng };
