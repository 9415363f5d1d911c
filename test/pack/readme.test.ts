/**
 * The README's tour, run as written (test/pack/literal.ts) in an empty folder
 * with the packed tarball: install, write the policy, and every command; then
 * what the tour says they print and write is checked on what they did.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { codeBlocks, runPage, section, Step } from './literal';
import { packInto, ROOT } from './tarball';

const PAGE = 'README.md';
const tour = codeBlocks(section(fs.readFileSync(path.join(ROOT, PAGE), 'utf8'), 'A short tour'));

describe(`${PAGE}: A short tour`, () => {
  let tmp = '';
  let done: Step[] = [];

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'microseg-readme-'));
    const { tarball } = packInto(tmp);
    const dir = path.join(tmp, 'tour');
    fs.mkdirSync(dir);
    done = runPage(tour, { page: PAGE, dir, tarball, packageName: 'cdktf-microseg' });
  }, 180_000);

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });


  it('installs, writes the policy and runs every command of the tour', () => {
    expect(done.map((s) => s.kind)).toEqual(['sh', 'file', 'sh']);
    expect(done[1].what).toBe('policy.yaml');
    expect(fs.existsSync(path.join(tmp, 'tour', 'node_modules', 'cdktf-microseg', 'bin', 'microseg.js'))).toBe(true);
  });

  it('prints what the tour says, and writes each cloud and the report', () => {
    const printed = done[2].output;
    expect(printed).toContain("valid policy 'shop': 4 segments, 1 external, 4 rules and guardrails");
    expect(printed).toMatch(/policy\.yaml:\d+:\d+ warning MS3011 segment 'app-staging' is selected by no allow/);
    expect(printed).toMatch(/web-prod -> app-prod on tcp\/8080 \(forward\)\n {2}ALLOWED tcp\/8080[^]*allow {2}rule web-to-app .* at policy\.yaml:\d+:\d+/);
    expect(printed).toMatch(/app-staging -> db-prod \(forward\)\n {2}DENIED[^]*deny {3}guardrail staging-never-reaches-prod .* at policy\.yaml:\d+:\d+/);
    for (const cloud of ['aws', 'azure', 'gcp']) {
      expect(printed).toMatch(new RegExp(`^${cloud}: equivalent to policy 'shop'`, 'm'));
      for (const f of ['cdk.tf.json', 'identities.json']) expect(fs.existsSync(path.join(tmp, 'tour', 'out', cloud, f))).toBe(true);
    }
    expect(fs.readFileSync(path.join(tmp, 'tour', 'report.html'), 'utf8')).toMatch(/^<!doctype html>/i);
  });
});
