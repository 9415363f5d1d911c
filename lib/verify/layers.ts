/**
 * Layered rule chains: several policies evaluated one after another, where a
 * rule may decide (allow, deny) or pass the packet on to the next layer
 * (GCP `goto_next`, Azure admin `Allow`). Every reader stays with the one
 * evaluation model of model.ts: a layered chain is one list of rules, each
 * stamped with its layer (0 first), in evaluation order. First match
 * decides, except that a `next` rule sends the packet to the first rule of
 * a later layer, skipping the rest of its own; a packet no rule of a layer
 * matches goes on to the next layer by itself, because the following rules
 * are the next layer's. The last layer must end in the cloud's default
 * rules, so nothing falls off the end undecided (if it does, it is denied,
 * as in every chain).
 *
 * Shared by every target with such layers (GCP hierarchical and network
 * firewall policies, Azure Virtual Network Manager admin rules before NSGs,
 * Kubernetes AdminNetworkPolicies before NetworkPolicies).
 */
import type { NormRule } from './model';

/** One policy of a layered chain, its rules in its own evaluation order. */
export interface Layer {
  /** For reports: `hierarchical firewall policy …`, `VPC firewall rules` … */
  readonly name: string;
  readonly rules: readonly NormRule[];
}

/** The rules of every layer, in order, each stamped with its layer's index. */
export function stackLayers(layers: readonly Layer[]): NormRule[] {
  const out: NormRule[] = [];
  layers.forEach((l, i) => {
    for (const r of l.rules) out.push({ ...r, layer: i });
  });
  return out;
}

/** The layer of a rule: unstamped rules all belong to layer 0 (a flat chain). */
export function layerOf(r: NormRule): number {
  return r.layer ?? 0;
}

/** Index of the first rule after `i` that belongs to a later layer than rule `i` (rules.length if none). */
export function nextLayerStart(rules: readonly NormRule[], i: number): number {
  const l = layerOf(rules[i]);
  let j = i + 1;
  while (j < rules.length && layerOf(rules[j]) <= l) j++;
  return j;
}

/** A rule of one of the several policies that make up one layer, with the priority number it is ranked by. */
export interface RankedRule {
  /** Lower first. */
  readonly priority: number;
  /** The address of the policy (rule collection, AdminNetworkPolicy) the rule belongs to. */
  readonly policy: string;
  readonly rule: NormRule;
}

/**
 * Rules of several policies in the order one layer tries them: by priority,
 * lowest first; at one priority by policy address, an order of ours (the
 * platforms leave it open: each reader reports tied policies whose rules act
 * differently); a policy's own rules keep their order (the sort is stable).
 * Azure admin rule collections and Kubernetes AdminNetworkPolicies.
 */
export function rankRules<T extends RankedRule>(rules: readonly T[]): T[] {
  return [...rules].sort((a, b) => a.priority - b.priority || (a.policy < b.policy ? -1 : a.policy > b.policy ? 1 : 0));
}
