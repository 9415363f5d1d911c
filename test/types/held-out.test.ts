/**
 * A held-out program written against the documented API (docs/getting-started.md):
 * it type-checks with the TypeScript compiler and synthesizes a verified
 * plan; the same program with one misspelt label value fails `tsc` with an
 * error that names the value. The program lives in memory, imports
 * `cdktf-microseg` by its package name (mapped to lib/index.ts), and is
 * checked with the TypeScript API the way `tsc` checks a user's project.
 */
import * as path from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import * as ts from 'typescript';
import * as api from '../../lib';

const ROOT = path.join(__dirname, '..', '..');

const PROGRAM = `
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { App, TerraformStack } from 'cdktf';
import { AwsSegmentation, SegmentationPolicy } from 'cdktf-microseg';

export function build(app: App): { stack: TerraformStack; seg: AwsSegmentation; policy: SegmentationPolicy } {
  const policy = SegmentationPolicy.define({
    name: 'held-out',
    labels: { env: ['prod', 'staging'], tier: ['web', 'db'] },
    segments: [
      { name: 'web-prod', labels: { env: 'prod', tier: 'web' }, addresses: ['10.0.1.0/24'] },
      { name: 'db-prod', labels: { env: 'prod', tier: 'db' }, addresses: ['10.0.2.0/24'] },
      { name: 'web-staging', labels: { env: 'staging', tier: 'web' }, addresses: ['10.1.1.0/24'] },
    ],
    guardrails: [{ name: 'no-staging-to-prod', action: 'deny', from: { env: 'staging' }, to: { env: 'prod' }, services: ['any'] }],
    rules: [{ name: 'web-to-db', from: { tier: 'web' }, to: { tier: 'db', env: 'prod' }, services: ['tcp/5432'] }],
  });
  const stack = new TerraformStack(app, 'held-out');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const vpc = new Vpc(stack, 'vpc', { cidrBlock: '10.0.0.0/16' });
  const seg = new AwsSegmentation(stack, 'seg', { policy, vpcId: vpc.id });
  new Instance(stack, 'web', { ami: 'ami-123', instanceType: 't3.micro', vpcSecurityGroupIds: seg.securityGroupIds('web-prod') });
  return { stack, seg, policy };
}
`;

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  strict: true,
  esModuleInterop: true,
  skipLibCheck: true,
  resolveJsonModule: true,
  noEmit: true,
  types: ['node'],
  baseUrl: ROOT,
  paths: { 'cdktf-microseg': ['lib/index.ts'] },
};

/** Type errors per in-memory file, all files checked in one program (one checker: the library's types are read once). */
function typeErrors(sources: Readonly<Record<string, string>>): Record<string, string[]> {
  const virtual = new Map(Object.entries(sources).map(([name, text]) => [path.join(ROOT, 'test', 'types', `__held_out_${name}__.ts`), text] as const));
  const host = ts.createCompilerHost(OPTIONS);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError, create) => {
    const text = virtual.get(path.resolve(name));
    return text !== undefined ? ts.createSourceFile(name, text, lang) : getSourceFile(name, lang, onError, create);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => virtual.has(path.resolve(name)) || fileExists(name);
  const program = ts.createProgram({ rootNames: [...virtual.keys()], options: OPTIONS, host });
  const out: Record<string, string[]> = {};
  for (const [file, name] of [...virtual.keys()].map((f, i) => [f, Object.keys(sources)[i]] as const)) {
    const sf = program.getSourceFile(file)!;
    // Only the program's own errors: the library itself is checked by \`npm test\`'s tsc.
    out[name] = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)].map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  }
  return out;
}

const MISSPELLINGS = [
  ['a segment label', "{ env: 'prod', tier: 'db' }", "{ env: 'prdo', tier: 'db' }", '"prdo"'],
  ['a selector value', "to: { tier: 'db', env: 'prod' }", "to: { tier: 'dbb', env: 'prod' }", '"dbb"'],
  ['a selector label name', "from: { env: 'staging' }", "from: { evn: 'staging' }", 'evn'],
] as const;

let checked: Record<string, string[]> | undefined;
function errorsOf(name: string): string[] {
  checked ??= typeErrors(Object.fromEntries([['good', PROGRAM], ...MISSPELLINGS.map(([what, good, bad]) => [what.replace(/ /g, '-'), PROGRAM.replace(good, bad)])]));
  return checked[name.replace(/ /g, '-')];
}

/** Run the program as a user's `cdktf synth` would, with `cdktf-microseg` resolved to this checkout. */
type Build = (app: App) => { stack: TerraformStack; seg: api.AwsSegmentation; policy: api.SegmentationPolicy };

function run(source: string): Build {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  const mod = { exports: {} as Record<string, unknown> };
  const req = (id: string) => (id === 'cdktf-microseg' ? api : require(id));
  new Function('require', 'module', 'exports', js)(req, mod, mod.exports);
  return (mod.exports as { build: Build }).build;
}

describe('the documented API, as a user program', () => {
  it('type-checks', () => {
    expect(errorsOf('good')).toEqual([]);
  });

  it('synthesizes a plan the verifier proves exact', () => {
    const { stack, seg, policy } = run(PROGRAM)(Testing.app());
    const json = JSON.parse(Testing.synth(stack, true));
    expect(Object.keys(json.resource.aws_security_group)).toHaveLength(3);
    expect(json.resource.aws_instance.web.vpc_security_group_ids).toEqual([expect.stringMatching(/^\$\{aws_security_group\..*\.id\}$/)]);
    expect(api.verifyOutput(api.resolve(policy), 'aws', json, seg.identities).verdict).toBe('equivalent');
  });

  it.each(MISSPELLINGS)('fails tsc with a misspelt label in %s', (what, good, _bad, named) => {
    expect(PROGRAM).toContain(good);
    const errors = errorsOf(what);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toContain(named);
  });
});
