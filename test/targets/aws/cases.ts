/** Handcrafted policy bodies, one per semantic case; the plan tests and the flow-level exactness test share them. */

const labels = `labels:
  env: [prod, staging]
  tier: [web, app, db]
`;

export const CASES: Record<string, string> = {
  // A deny guardrail against an address-based allow: staging may reach the whole internal range by address, corp may reach db.
  subtraction: `${labels}segments:
  - {name: web, labels: {env: prod, tier: web}, addresses: [10.1.0.0/24]}
  - {name: stg, labels: {env: staging, tier: app}, addresses: [10.2.0.0/24]}
  - {name: db, labels: {env: prod, tier: db}, addresses: [10.3.0.0/24]}
externals:
  - {name: corp, cidrs: [10.0.0.0/14]}
  - {name: internal, cidrs: [10.0.0.0/8]}
guardrails:
  - {name: no-staging-to-prod, action: deny, from: {env: staging}, to: {env: prod}, services: [any]}
rules:
  - {name: corp-to-db, from: {external: corp}, to: {tier: db}, services: [tcp/5432]}
  - {name: stg-out, from: {env: staging}, to: {external: internal}, services: [tcp]}
  - {name: web-to-db, from: {tier: web}, to: {tier: db}, services: [tcp/5432]}
`,
  // The cheaper side is the egress: db's ingress CIDR is wide open and staging's egress is narrow.
  subtractionEgress: `${labels}segments:
  - {name: stg, labels: {env: staging, tier: app}, addresses: [10.2.0.0/24]}
  - {name: db, labels: {env: prod, tier: db}, addresses: [10.3.0.0/28]}
externals:
  - {name: internal, cidrs: [10.0.0.0/8]}
  - {name: dbnet, cidrs: [10.3.0.0/16]}
guardrails:
  - {name: no-staging-to-prod, action: deny, from: {env: staging}, to: {env: prod}, services: [tcp/5432]}
rules:
  - {name: internal-to-db, from: {external: internal}, to: {tier: db}, services: [tcp/5432]}
  - {name: stg-to-dbnet, from: {env: staging}, to: {external: dbnet}, services: [tcp/5432]}
`,
  sameLabels: `${labels}segments:
  - {name: web-prod, labels: {env: prod, tier: web}}
  - {name: web-stg, labels: {env: staging, tier: web}}
  - {name: app-prod, labels: {env: prod, tier: app}}
  - {name: app-stg, labels: {env: staging, tier: app}}
rules:
  - {name: web-to-app, from: {tier: web}, to: {tier: app}, services: [tcp/8080], sameLabels: [env]}
`,
  ipv6: `${labels}segments:
  - {name: web, labels: {env: prod, tier: web}, addresses: [10.1.0.0/24, "fd00:1::/64"]}
  - {name: app, labels: {env: prod, tier: app}, addresses: ["fd00:2::/64", 10.2.0.0/24]}
  - {name: db, labels: {env: prod, tier: db}, addresses: [10.3.0.0/24]}
externals:
  - {name: v6net, cidrs: ["2001:db8::/32"]}
rules:
  - {name: ping, from: {tier: [web, db]}, to: {tier: app}, services: [icmp]}
  - {name: v6-in, from: {external: v6net}, to: {tier: web}, services: [tcp/443, icmp]}
`,
  anyAndRanges: `${labels}segments:
  - {name: web, labels: {env: prod, tier: web}, addresses: [10.1.0.0/24]}
  - {name: app, labels: {env: prod, tier: app}, addresses: [10.2.0.0/24]}
externals:
  - {name: ops, cidrs: [192.0.2.0/24]}
rules:
  - {name: low, from: {tier: web}, to: {tier: app}, services: [tcp/8000-8050]}
  - {name: high, from: {tier: web}, to: {tier: app}, services: [tcp/8051-8099, udp/53]}
  - {name: ops-any, from: {external: ops}, to: {tier: app}, services: [any]}
  - {name: ops-web, from: {external: ops}, to: {tier: web}, services: [tcp/22, tcp/23, udp]}
`,
  intraSegment: `${labels}segments:
  - {name: web, labels: {env: prod, tier: web}, addresses: [10.1.0.0/24]}
  - {name: app, labels: {env: prod, tier: app}, addresses: [10.2.0.0/24]}
rules:
  - {name: web-mesh, from: {tier: web}, to: {tier: web}, services: [tcp/7000]}
`,
  egressExternal: `${labels}segments:
  - {name: app, labels: {env: prod, tier: app}}
  - {name: db, labels: {env: prod, tier: db}, addresses: [10.3.0.0/24]}
externals:
  - {name: internet, cidrs: [0.0.0.0/0, "::/0"], except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7]}
rules:
  - {name: app-https-out, from: {tier: app}, to: {external: internet}, services: [tcp/443]}
  - {name: app-to-db, from: {tier: app}, to: {tier: db}, services: [tcp/5432]}
`,
  // An address deny that covers all of one segment's addresses and none of another's.
  addressDenyCovers: `${labels}segments:
  - {name: web, labels: {env: prod, tier: web}, addresses: [10.1.0.0/24]}
  - {name: app, labels: {env: prod, tier: app}, addresses: [10.2.0.0/24]}
  - {name: db, labels: {env: prod, tier: db}, addresses: [10.3.0.0/24]}
guardrails:
  - {name: quarantine, action: deny, from: {cidrs: [10.1.0.0/16]}, to: {tier: db}, services: [any]}
rules:
  - {name: to-db, from: {tier: [web, app]}, to: {tier: db}, services: [tcp/5432]}
  - {name: net-to-db, from: {cidrs: [10.0.0.0/8]}, to: {tier: db}, services: [tcp/5432]}
`,
  // The address deny splits app's addresses on db's ingress, but app's egress never reaches db's addresses: exact anyway.
  addressDenyOtherSide: `${labels}segments:
  - {name: app, labels: {env: prod, tier: app}, addresses: [10.2.0.0/24]}
  - {name: db, labels: {env: prod, tier: db}, addresses: [10.3.0.0/24]}
guardrails:
  - {name: quarantine, action: deny, from: {cidrs: [10.2.0.128/25]}, to: {tier: db}, services: [any]}
  - {name: app-not-to-dbnet, action: deny, from: {tier: app}, to: {cidrs: [10.3.0.0/24]}, services: [tcp]}
rules:
  - {name: app-to-db, from: {tier: app}, to: {tier: db}, services: [tcp/5432]}
  - {name: app-out, from: {tier: app}, to: {cidrs: [192.0.2.0/24]}, services: [tcp/443]}
`,
  identityDeny: `${labels}segments:
  - {name: web, labels: {env: prod, tier: web}, addresses: [10.1.0.0/24]}
  - {name: stg, labels: {env: staging, tier: web}, addresses: [10.2.0.0/24]}
  - {name: app, labels: {env: prod, tier: app}, addresses: [10.3.0.0/24]}
guardrails:
  - {name: no-staging-to-prod, action: deny, from: {env: staging}, to: {env: prod}, services: [tcp/22]}
rules:
  - {name: web-to-app, from: {tier: web}, to: {tier: app}, services: [tcp/22, tcp/443]}
`,
};
