import { BASE_TIME, DAYS, expectedHits } from '../../fixtures/lifecycle/generate';
import { fix, run } from './helpers';

type Report = { stale: { rule: string }[]; used: { rule: string; hits: number; partial: boolean; unusedServices: string[]; pairs?: { used: number; total: number } }[]; unattributed: Record<string, number> };

/** The fixtures' logs end at UNTIL; the window ends now unless --until says otherwise. */
const UNTIL = String(BASE_TIME + DAYS * 86400);

async function stale(flows: string, extra: string[] = []): Promise<Report> {
  const r = await run(['stale', 'policy.yaml', '--flows', flows, '--inventory', 'inventory.yaml', '--format', 'json', ...(extra.includes('--until') ? [] : ['--until', UNTIL]), ...extra]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

const hitsOf = (r: Report) => Object.fromEntries(r.used.map((u) => [u.rule, u.hits]));

describe('stale', () => {
  test.each([
    ['aws-flows.log', 'aws'],
    ['aws-flows.log.gz', 'aws'],
    ['aws-custom.log', 'aws'],
    ['gcp-flows.jsonl', 'gcp'],
    ['azure-vnet.json', 'azure-vnet'],
    ['azure-nsg.json', 'azure-nsg'],
  ] as const)('%s: the rule without flows is stale, used rules are not, hits exact', async (file, kind) => {
    const r = await stale(file);
    const expected = expectedHits(kind);
    expect(hitsOf(r)).toEqual(expected);
    const staleNames = r.stale.map((s) => s.rule);
    expect(staleNames).toContain('admin-ssh');
    for (const used of Object.keys(expected)) expect(staleNames).not.toContain(used);
    // The hand-made exception (cache-1 → db) is accepted by the cloud but allowed by no rule.
    expect(r.unattributed.acceptedNotAllowed).toBe(2);
  });

  test('partial use: one port of a range, one protocol of a service, one of two segment pairs', async () => {
    const r = await stale('aws-flows.log');
    const m = r.used.find((u) => u.rule === 'metrics')!;
    expect(m).toMatchObject({ partial: true, unusedServices: ['tcp/9101-9110'], pairs: { used: 1, total: 2 } });
    expect(r.used.find((u) => u.rule === 'app-dns')).toMatchObject({ partial: true, unusedServices: ['tcp/53'] });
    expect(r.used.find((u) => u.rule === 'app-to-db')).toMatchObject({ partial: false, pairs: { used: 2, total: 2 } });
  });

  test('the window drops older records; the logs shorter than the window are reported', async () => {
    const until = String(BASE_TIME + DAYS * 86400);
    const all = await run(['stale', 'policy.yaml', '--flows', 'aws-flows.log', '--inventory', 'inventory.csv', '--days', '90', '--until', until, '--format', 'json']);
    expect(all.stderr).toMatch(/MS8012/);
    const short = await stale('aws-flows.log', ['--days', '1', '--until', until]);
    expect(short.unattributed.outsideWindow).toBeGreaterThan(50);
    expect(short.stale.length).toBeGreaterThan(1);
  });

  test('markdown, text and usage errors', async () => {
    const md = await run(['stale', 'policy.yaml', '--flows', 'aws-flows.log', '--inventory', 'inventory.json', '--format', 'markdown']);
    expect(md.stdout).toMatch(/\| `admin-ssh` \| rule \| tcp\/22 \| platform \|/);
    const bad = await run(['stale', 'policy.yaml', '--flows', 'policy.yaml', '--inventory', 'inventory.yaml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/MS8011/);
    expect((await run(['stale', 'policy.yaml', '--flows', 'aws-flows.log'])).code).toBe(2);
    const fail = await run(['stale', 'policy.yaml', '--flows', 'aws-flows.log', '--inventory', 'inventory.yaml', '--fail-on-stale']);
    expect(fail.code).toBe(1);
    void fix;
  });

  test('--flows naming a directory is bad usage that names the path', async () => {
    for (const cmd of [['stale', 'policy.yaml'], ['discover']]) {
      const r = await run([...cmd, '--flows', '.', '--inventory', 'inventory.yaml']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^microseg: --flows \.: is a directory /);
      expect(r.stderr).not.toContain('EISDIR');
    }
  });

  test('a missing flow log is one line and exit 2, with no stray stream error afterwards', async () => {
    const errors: unknown[] = [];
    const onUncaught = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      for (const cmd of [['stale', 'policy.yaml'], ['discover']]) {
        const r = await run([...cmd, '--flows', 'no-such.log', '--inventory', 'inventory.yaml']);
        expect(r.code).toBe(2);
        expect(r.stderr).toBe('microseg: --flows no-such.log: no such file\n');
      }
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(errors).toEqual([]);
  });
});
