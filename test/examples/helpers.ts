/**
 * Every example app, built the way its main.ts builds it but in a test App
 * with stubbed versions, plus what the verifier needs: per target the
 * resolved policy and the identities the construct wrote.
 */
import type { TerraformStack } from 'cdktf';
import { awsShop } from '../../examples/aws-shop/stack';
import { azureShop } from '../../examples/azure-shop/stack';
import { gcpShop } from '../../examples/gcp-shop/stack';
import { kubernetesShop, KSHOP_POLICY } from '../../examples/kubernetes-shop/stack';
import { multiCloud } from '../../examples/multi-cloud/stack';
import { typedBuilder } from '../../examples/typed-builder/stack';
import { paymentsPolicy } from '../../examples/typed-builder/policy';
import { core, CoreName } from '../../examples/_support/terraform';
import { serialiseTerraform, sortKeys, stubVersions } from '../../lib/constructs/synth';
import { IdentitiesFile, SegmentationPolicy, TargetName } from '../../lib';

export type { CoreName };
/** The cores every example runs on. */
export const CORES: readonly CoreName[] = ['cdktf', 'cdktn'];

export interface BuiltExample {
  readonly stack: TerraformStack;
  readonly policy: SegmentationPolicy;
  readonly identities: Partial<Record<TargetName, IdentitiesFile>>;
}

export interface ExampleDef {
  readonly name: string;
  /** The policy the example uses by default. */
  readonly policy: () => SegmentationPolicy;
  /** Adds the example to a stack (of either core); returns the identities per target. */
  readonly build: (stack: TerraformStack, policy: SegmentationPolicy) => Partial<Record<TargetName, IdentitiesFile>>;
}

export const SHOP_POLICY = require.resolve('../../examples/shop/policy.yaml');

export const EXAMPLES: readonly ExampleDef[] = [
  { name: 'aws-shop', policy: () => SegmentationPolicy.fromFile(SHOP_POLICY), build: (stack, policy) => ({ aws: awsShop(stack, { policy }).identities }) },
  { name: 'azure-shop', policy: () => SegmentationPolicy.fromFile(SHOP_POLICY), build: (stack, policy) => ({ azure: azureShop(stack, { policy }).identities }) },
  { name: 'gcp-shop', policy: () => SegmentationPolicy.fromFile(SHOP_POLICY), build: (stack, policy) => ({ gcp: gcpShop(stack, { policy }).identities }) },
  { name: 'multi-cloud', policy: () => SegmentationPolicy.fromFile(SHOP_POLICY), build: (stack, policy) => multiCloud(stack, { policy }).identities },
  { name: 'typed-builder', policy: paymentsPolicy, build: (stack, policy) => ({ aws: typedBuilder(stack, { policy }).identities }) },
  { name: 'kubernetes-shop', policy: () => SegmentationPolicy.fromFile(KSHOP_POLICY), build: (stack, policy) => ({ kubernetes: kubernetesShop(stack, { policy }).identities }) },
];

/** A fresh test app of the core, its version stubbed, as snapshot tests want. */
export function testApp(name: CoreName = 'cdktf') {
  const { Testing } = core(name);
  return Testing.stubVersion(Testing.app({ enableFutureFlags: false }));
}

/** Error and warning annotations anywhere in the stack, as `[path] message`. */
export function annotations(stack: TerraformStack, level: 'error' | 'warning' | 'info'): string[] {
  const type = { error: '@cdktf/error', warning: '@cdktf/warn', info: '@cdktf/info' }[level];
  const out: string[] = [];
  for (const c of stack.node.findAll()) for (const m of c.node.metadata) if (m.type === type) out.push(`[${c.node.path}] ${String(m.data)}`);
  return out;
}

/** The example synthesized as `cdktf synth` would (validations, so the construct's own verification, included). */
export function synthExample(def: ExampleDef, policy = def.policy(), validate = true, coreName: CoreName = 'cdktf'): BuiltExample & { readonly json: Record<string, any>; readonly text: string } {
  const { TerraformStack, Testing } = core(coreName);
  const stack = new TerraformStack(testApp(coreName), def.name);
  const identities = def.build(stack, policy);
  // Provider versions too (Testing.stubVersion stubs only the core's): a provider upgrade must not churn the snapshots.
  const json = sortKeys(stubVersions(JSON.parse(Testing.synth(stack, validate))));
  return { stack, policy, identities, json, text: serialiseTerraform(json) };
}


