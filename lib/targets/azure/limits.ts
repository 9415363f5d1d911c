/**
 * Azure's quotas for what the Azure plan emits, and the priority bands of
 * our own inside Azure's priority range, each with the page of Azure's
 * documentation that states it. Overridable per plan (AzurePlanOptions.limits),
 * for tests and raised quotas.
 */

/** https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/azure-subscription-service-limits#azure-networking-limits */
export const AZURE_QUOTAS = {
  /** Security rules per NSG, both directions, deny-alls included. */
  rulesPerNsg: 1000,
  /** Address prefixes per rule side (augmented security rules). */
  prefixesPerRuleSide: 4000,
  /** ASGs per rule side. */
  asgsPerRuleSide: 10,
  /** Distinct ASGs referenced by all rules of one NSG. */
  asgsPerNsg: 100,
  /** ASGs on one NIC (IP configuration). */
  asgsPerNic: 20,
  /**
   * Rule, ASG and NSG names (1–80 characters).
   * https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/resource-name-rules#microsoftnetwork
   */
  nameMax: 80,
  /**
   * Security rule descriptions.
   * https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview#security-rules
   */
  descriptionMax: 140,
} as const;

/**
 * Our bands in Azure's priority range 100–4096 (lower is evaluated first,
 * first match decides):
 * https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview#security-rules
 */
export const AZURE_PRIORITIES = {
  /** Inclusive band of deny rules: numerically below, so evaluated before, every allow. */
  denyBand: [100, 1099] as readonly [number, number],
  /** Inclusive band of allow rules. */
  allowBand: [1100, 4095] as readonly [number, number],
  /** The explicit deny-all, in and out: after both bands, before Azure's default rules (65000 and up). */
  denyAllPriority: 4096,
};

/** Azure's quotas and our priority bands, as a plan uses them. */
export interface AzureLimits {
  readonly rulesPerNsg: number;
  readonly prefixesPerRuleSide: number;
  readonly asgsPerRuleSide: number;
  readonly asgsPerNsg: number;
  readonly asgsPerNic: number;
  readonly nameMax: number;
  readonly descriptionMax: number;
  readonly denyBand: readonly [number, number];
  readonly allowBand: readonly [number, number];
  readonly denyAllPriority: number;
}

export const AZURE_LIMITS: AzureLimits = { ...AZURE_QUOTAS, ...AZURE_PRIORITIES };

/** Longest name prefix we accept: it keeps every name fitted with room for its segment and kind (ours). */
export const AZURE_PREFIX_MAX = 30;
