/**
 * Every example app, built the way its main.ts builds it but in a test App
 * with stubbed versions, plus what the verifier needs: per target the
 * resolved policy and the identities the construct wrote.
 */
import { App, TerraformStack, Testing } from 'cdktf';
import { AwsShopStack } from '../../examples/aws-shop/stack';
import { AzureShopStack } from '../../examples/azure-shop/stack';
import { GcpShopStack } from '../../examples/gcp-shop/stack';
import { MultiCloudStack } from '../../examples/multi-cloud/stack';
import { TypedBuilderStack } from '../../examples/typed-builder/stack';
import { paymentsPolicy } from '../../examples/typed-builder/policy';
import { serialiseTerraform, sortKeys, stubVersions } from '../../lib/constructs/synth';
import { IdentitiesFile, SegmentationPolicy, TargetName } from '../../lib';

export interface BuiltExample {
  readonly stack: TerraformStack;
  readonly policy: SegmentationPolicy;
  readonly identities: Partial<Record<TargetName, IdentitiesFile>>;
}

export interface ExampleDef {
  readonly name: string;
  /** The policy the example uses by default. */
  readonly policy: () => SegmentationPolicy;
  readonly build: (app: App, policy: SegmentationPolicy) => BuiltExample;
}

export const SHOP_POLICY = require.resolve('../../examples/shop/policy.yaml');

export const EXAMPLES: readonly ExampleDef[] = [
  {
    name: 'aws-shop',
    policy: () => SegmentationPolicy.fromFile(SHOP_POLICY),
    build: (app, policy) => {
      const stack = new AwsShopStack(app, 'aws-shop', { policy });
      return { stack, policy, identities: { aws: stack.segmentation.identities } };
    },
  },
  {
    name: 'azure-shop',
    policy: () => SegmentationPolicy.fromFile(SHOP_POLICY),
    build: (app, policy) => {
      const stack = new AzureShopStack(app, 'azure-shop', { policy });
      return { stack, policy, identities: { azure: stack.segmentation.identities } };
    },
  },
  {
    name: 'gcp-shop',
    policy: () => SegmentationPolicy.fromFile(SHOP_POLICY),
    build: (app, policy) => {
      const stack = new GcpShopStack(app, 'gcp-shop', { policy });
      return { stack, policy, identities: { gcp: stack.segmentation.identities } };
    },
  },
  {
    name: 'multi-cloud',
    policy: () => SegmentationPolicy.fromFile(SHOP_POLICY),
    build: (app, policy) => {
      const stack = new MultiCloudStack(app, 'multi-cloud', { policy });
      return { stack, policy, identities: stack.segmentation.identities };
    },
  },
  {
    name: 'typed-builder',
    policy: paymentsPolicy,
    build: (app, policy) => {
      const stack = new TypedBuilderStack(app, 'typed-builder', { policy });
      return { stack, policy, identities: { aws: stack.segmentation.identities } };
    },
  },
];

/** A fresh test app with cdktf and provider versions stubbed, as snapshot tests want. */
export function testApp(): App {
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
export function synthExample(def: ExampleDef, policy = def.policy(), validate = true): BuiltExample & { readonly json: Record<string, any>; readonly text: string } {
  const built = def.build(testApp(), policy);
  // Provider versions too (Testing.stubVersion stubs only cdktf's): a provider upgrade must not churn the snapshots.
  const json = sortKeys(stubVersions(JSON.parse(Testing.synth(built.stack, validate))));
  return { ...built, json, text: serialiseTerraform(json) };
}


