/**
 * The examples' own infrastructure (providers, VPCs, subnets, instances,
 * NICs) on either CDKTF core, cdktf 0.21 or CDK Terrain (cdktn) 0.24.
 *
 * Provider classes are bound to one core: a `@cdktf/provider-*` resource in
 * a cdktn stack fails at synth, and there is no `@cdktn/provider-google`.
 * So the examples write their own resources the way the segmentation
 * constructs write theirs: as the stack's core's generic `TerraformResource`
 * (and `TerraformDataSource`, `TerraformProvider`) with the explicit type and
 * the body in Terraform's own attribute names. The same code synthesizes the
 * same JSON on both cores. In a project on one core, the provider classes
 * (`@cdktf/provider-aws`, `@cdktn/provider-aws`, …) are the idiomatic way,
 * as docs/getting-started.md shows.
 */
import type * as Cdktf from 'cdktf';
import type { Construct } from 'constructs';

export type CoreName = 'cdktf' | 'cdktn';
/** A core's module: cdktn has cdktf's API under another name. */
export type CoreModule = typeof Cdktf;

const CORES: readonly CoreName[] = ['cdktf', 'cdktn'];

/** The core an example app runs on: `MICROSEG_CORE=cdktn` for CDK Terrain, cdktf otherwise. */
export function core(name: string = process.env.MICROSEG_CORE ?? 'cdktf'): CoreModule {
  if (!(CORES as readonly string[]).includes(name)) throw new Error(`MICROSEG_CORE=${name}: expected cdktf or cdktn`);
  return require(name) as CoreModule;
}

/** A Terraform body: attribute names as the provider's schema spells them (snake_case), blocks as lists. */
export type Body = Readonly<Record<string, unknown>>;

/** A resource or data source of the stack: its address and attribute references. */
export interface Ref {
  /** `${TYPE.NAME.id}` */
  readonly id: string;
  /** `TYPE.NAME`, for `depends_on`. */
  readonly fqn: string;
  /** A reference to another attribute, e.g. `attr('location')`. */
  attr(name: string): string;
}

export interface ResourceOptions {
  readonly lifecycle?: Cdktf.TerraformResourceLifecycle;
  /** Created after these (Terraform's `depends_on`), for an order no reference implies. */
  readonly dependsOn?: readonly Ref[];
}

/** Writes resources into one stack, with the generic classes of the core that built it. */
export class Terraform {
  /** The stack `scope` is in, and its core (detected as the segmentation constructs detect it). */
  static of(scope: Construct): Terraform {
    const stack = scope.node.scopes.find((s) => Symbol.for('cdktf/TerraformStack') in s);
    if (!stack) throw new Error(`${scope.node.path}: not inside a TerraformStack`);
    for (const name of CORES) {
      let module: CoreModule;
      try {
        module = core(name);
      } catch {
        continue; // not installed
      }
      if (stack instanceof module.TerraformStack) return new Terraform(scope, module);
    }
    throw new Error(`${scope.node.path}: the stack is of neither installed core`);
  }

  private constructor(
    private readonly scope: Construct,
    readonly module: CoreModule,
  ) {}

  /**
   * A provider block and its `required_providers` entry, e.g.
   * `provider('aws', 'aws', '~> 6.0', { region })` (source `aws` is Terraform's
   * short form of `hashicorp/aws`, as the provider packages write it).
   */
  provider(name: string, source: string, versionConstraint: string, body: Body): void {
    const Provider = withBody<Cdktf.TerraformProviderConfig, Cdktf.TerraformProvider>(this.module.TerraformProvider, body);
    new Provider(this.scope, name, { terraformResourceType: name, terraformProviderSource: source, terraformGeneratorMetadata: { providerName: name, providerVersionConstraint: versionConstraint } });
  }

  /** `resource "TYPE" "ID" { …body }`. */
  resource(type: string, id: string, body: Body, options: ResourceOptions = {}): Ref {
    const Resource = withBody<Cdktf.TerraformResourceConfig, Cdktf.TerraformResource>(this.module.TerraformResource, body);
    const r = refOf(new Resource(this.scope, id, { terraformResourceType: type, lifecycle: options.lifecycle }));
    if (options.dependsOn?.length) (r.element as { dependsOn?: string[] }).dependsOn = options.dependsOn.map((d) => d.fqn);
    return r;
  }

  /** `data "TYPE" "ID" { …body }`. */
  data(type: string, id: string, body: Body): Ref {
    const DataSource = withBody<Cdktf.TerraformResourceConfig, Cdktf.TerraformDataSource>(this.module.TerraformDataSource, body);
    return refOf(new DataSource(this.scope, id, { terraformResourceType: type }));
  }

  /** A string input variable; returns its reference (`${var.ID}`). */
  variable(id: string, description: string): string {
    return new this.module.TerraformVariable(this.scope, id, { type: 'string', description }).stringValue;
  }
}

/** A subclass of one of the core's generic classes whose attributes are `body`, verbatim (the core adds meta-arguments and metadata). */
function withBody<Config, T extends object>(Base: unknown, body: Body): new (scope: Construct, id: string, config: Config) => T {
  return class extends (Base as new (...args: unknown[]) => object) {
    protected synthesizeAttributes(): Record<string, unknown> {
      return { ...body };
    }
  } as unknown as new (scope: Construct, id: string, config: Config) => T;
}

function refOf(r: { fqn: string; getStringAttribute(name: string): string }): Ref & { readonly element: object } {
  return { id: r.getStringAttribute('id'), fqn: r.fqn, attr: (name) => r.getStringAttribute(name), element: r };
}
