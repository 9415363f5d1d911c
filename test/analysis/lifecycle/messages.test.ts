/** Lifecycle input messages read right: one line naming the option and file, exit 2 for a wrong input file, a location not repeated. */
import { run } from './helpers';

test('MS8010 names the file once, as its location', async () => {
  const r = await run(['stale', 'policy.yaml', '--flows', 'aws-flows.log', '--inventory', 'inventory.yaml', '--until', '2025-02-01T00:00:00Z']);
  const line = r.stderr.split('\n').find((l) => l.includes('MS8010'))!;
  expect(line).toMatch(/^aws-flows\.log warning MS8010 aws flow log, 108 records, 3 malformed skipped \(first: line 11: /);
  expect(line.split('aws-flows.log')).toHaveLength(2);
});

test.each([
  [['stale', 'policy.yaml', '--flows', 'nope.log', '--inventory', 'inventory.yaml'], 'microseg: --flows nope.log: no such file\n'],
  [['discover', '--flows', 'nope.log', '--inventory', 'inventory.yaml'], 'microseg: --flows nope.log: no such file\n'],
  [['impact', 'policy.yaml', '--inventory', 'nope.yaml'], 'microseg: --inventory nope.yaml: no such file\n'],
])('a missing input file is one line, exit 2, no raw ENOENT: %j', async (args, err) => {
  const r = await run(args);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(err);
});

test.each([
  [['impact', 'policy.yaml', '--inventory', 'policy.yaml']],
  [['stale', 'policy.yaml', '--flows', 'aws-flows.log', '--inventory', 'policy.yaml']],
])('a wrong inventory exits 2, like a wrong --state: %j', async (args) => {
  const r = await run(args);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('policy.yaml:1:1 error MS8001 inventory must be');
});
