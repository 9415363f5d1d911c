/** verify --standards judges the compiled output itself: a hand-edited plan that breaks a standard is caught. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { memoryIO } from '../../lib/cli/io';
import { main } from '../../lib/cli/main';

const root = path.join(__dirname, '../..');
const run = async (argv: string[]) => {
  const io = memoryIO(root);
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
};
let tmp: string;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-vstd-'));
  expect((await run(['compile', 'examples/teams/policy', '--target', 'gcp', '--out', tmp])).code).toBe(0);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Rewrite every `ports` list of the GCP plan, the way a hand edit would. */
function editPorts(dir: string, edit: (ports: string[]) => string[]): void {
  const file = path.join(dir, 'gcp/cdk.tf.json');
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (Array.isArray(o.ports)) o.ports = edit(o.ports as string[]);
      Object.values(o).forEach(walk);
    }
  };
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  walk(json);
  fs.writeFileSync(file, JSON.stringify(json));
}

function copy(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-vstd-edit-'));
  fs.cpSync(tmp, d, { recursive: true });
  return d;
}

test('the compiled example holds every org standard', async () => {
  const r = await run(['verify', 'examples/teams/policy', tmp, '--standards', 'examples/teams/standards/org-baseline.yaml']);
  expect(r.err).toContain('standards: 3 held on gcp');
  expect(r.code).toBe(0);
});

test('never, on a plan edited by hand to open ssh to the world', async () => {
  const d = copy();
  editPorts(d, (p) => (p.includes('443') ? [...p, '22'] : p));
  const r = await run(['verify', 'examples/teams/policy', d, '--standards', 'examples/teams/standards/org-baseline.yaml']);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/standards\/org-baseline\.yaml:\d+:\d+ error MS3101 gcp output breaks standard 'no-world-admin' .*: it allows outside host .* on tcp\/22/);
  fs.rmSync(d, { recursive: true, force: true });
});

test('always, on a plan edited by hand to stop the scrape', async () => {
  const d = copy();
  editPorts(d, (p) => p.map((x) => (x === '9100' ? '9101' : x)));
  const r = await run(['verify', 'examples/teams/policy', d, '--standards', 'examples/teams/standards/org-baseline.yaml']);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/error MS3103 gcp output breaks standard 'monitoring-scrapes' .*: it does not allow monitoring \(10\.10\.30\.0\) → .* on tcp\/9100/);
  fs.rmSync(d, { recursive: true, force: true });
});

test('only, on a plan edited by hand to let the web tier into a database', async () => {
  const d = copy();
  // The database firewall's source becomes every address instead of the app tier's identity.
  const file = path.join(d, 'gcp/cdk.tf.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  let edited = 0;
  for (const fw of Object.values<Record<string, any>>(json.resource?.google_compute_firewall ?? {})) {
    const ports = (fw.allow ?? []).flatMap((a: { ports?: string[] }) => a.ports ?? []);
    if (fw.direction === 'INGRESS' && ports.includes('5432') && (fw.source_tags || fw.source_service_accounts)) {
      delete fw.source_tags;
      delete fw.source_service_accounts;
      fw.source_ranges = ['0.0.0.0/0'];
      edited++;
    }
  }
  expect(edited).toBeGreaterThan(0);
  fs.writeFileSync(file, JSON.stringify(json));
  const r = await run(['verify', 'examples/teams/policy', d, '--standards', 'examples/teams/standards/org-baseline.yaml']);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/MS3102 gcp output breaks standard 'prod-db-only-from-app'/);
  fs.rmSync(d, { recursive: true, force: true });
});
