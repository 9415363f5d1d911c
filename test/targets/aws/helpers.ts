/** Policies for the AWS tests, written as YAML so diagnostics carry real locations. */
import * as fs from 'fs';
import * as path from 'path';
import { SegmentationPolicy } from '../../../lib/model/policy';
import { ResolvedPolicy } from '../../../lib/resolve/ir';
import { resolve } from '../../../lib/resolve/resolve';
import { describeRule, planAws, AwsPlanOptions, AwsPlan } from '../../../lib/targets/aws/plan';

export const SPEC_EXAMPLE = path.join(__dirname, '../../fixtures/good/spec-example.yaml');

export function loadFile(file: string): ResolvedPolicy {
  return resolve(SegmentationPolicy.fromSource(fs.readFileSync(file, 'utf8'), file));
}

/** A policy named `t` with the given YAML body (labels, segments, …), as file `t.yaml`. */
export function yamlPolicy(body: string): ResolvedPolicy {
  const text = `apiVersion: microseg/v1\nkind: SegmentationPolicy\nmetadata:\n  name: t\n${body}`;
  return resolve(SegmentationPolicy.fromSource(text, 't.yaml'));
}

/** Every planned rule as one line, sorted. */
export function ruleLines(plan: AwsPlan, segment?: string): string[] {
  return plan.segments
    .filter((s) => segment === undefined || s.name === segment)
    .flatMap((s) => s.rules.map(describeRule))
    .sort();
}

/**
 * The plan with CIDRs spelled out (prefix lists off unless asked for), so rule tables show every CIDR, and with
 * segment references only (label groups off unless asked for: labels.test.ts covers them).
 */
export function plan(ir: ResolvedPolicy, options?: AwsPlanOptions): AwsPlan {
  return planAws(ir, { prefixLists: false, labelGroups: false, ...options });
}
