/** A generated, realistic policy of N segments (env x tier x app), for the performance test. */
export function generatedPolicy(apps: number): Record<string, unknown> {
  const envs = ['prod', 'staging'];
  const tiers = ['web', 'app', 'db', 'cache', 'queue'];
  const appNames = Array.from({ length: apps }, (_, i) => `a${String(i).padStart(2, '0')}`);
  const segments = [];
  for (const [e, env] of envs.entries())
    for (const [a, app] of appNames.entries())
      for (const [t, tier] of tiers.entries()) {
        const addresses = [`10.${e * 100 + a}.${t}.0/24`];
        if (tier === 'web') addresses.push(`fd00:${e * 100 + a}:${t}::/64`);
        segments.push({ name: `${app}-${tier}-${env}`, labels: { env, tier, app }, addresses });
      }
  const same = ['env', 'app'];
  return {
    apiVersion: 'microseg/v1',
    kind: 'SegmentationPolicy',
    metadata: { name: 'big' },
    labels: { env: envs, tier: tiers, app: appNames },
    segments,
    externals: [
      { name: 'internet', cidrs: ['0.0.0.0/0', '::/0'], except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'] },
      { name: 'corp-vpn', cidrs: ['192.168.100.0/22'] },
      { name: 'monitoring', cidrs: ['10.250.0.0/24'] },
    ],
    services: { https: ['tcp/443'], dns: ['udp/53', 'tcp/53'] },
    guardrails: [{ name: 'staging-never-reaches-prod', action: 'deny', from: { env: 'staging' }, to: { env: 'prod' }, services: ['any'] }],
    rules: [
      { name: 'internet-to-web', from: { external: 'internet' }, to: { tier: 'web' }, services: ['https'] },
      { name: 'web-to-app', from: { tier: 'web' }, to: { tier: 'app' }, services: ['tcp/8080'], sameLabels: same },
      { name: 'app-to-db', from: { tier: 'app' }, to: { tier: 'db' }, services: ['tcp/5432'], sameLabels: same },
      { name: 'app-to-cache', from: { tier: 'app' }, to: { tier: 'cache' }, services: ['tcp/6379'], sameLabels: same },
      { name: 'app-to-queue', from: { tier: 'app' }, to: { tier: 'queue' }, services: ['tcp/5672'], sameLabels: same },
      { name: 'db-replication', from: { tier: 'db' }, to: { tier: 'db' }, services: ['tcp/5432'], sameLabels: same },
      { name: 'app-dns', from: { tier: 'app' }, to: { external: 'internet' }, services: ['dns'] },
      { name: 'corp-ssh', from: { external: 'corp-vpn' }, to: {}, services: ['tcp/22'] },
      { name: 'monitoring-scrape', from: { external: 'monitoring' }, to: {}, services: ['tcp/9100'] },
    ],
  };
}
