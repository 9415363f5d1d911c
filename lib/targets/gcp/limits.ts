/**
 * GCP's quotas and limits for what the GCP plan emits, and the priorities of
 * our own inside GCP's priority range, each with the page of GCP's
 * documentation that states it.
 */

export const GCP_QUOTAS = {
  /**
   * Firewall rule names and network tags: 1–63 characters, `[a-z]([-a-z0-9]*[a-z0-9])?`.
   * https://cloud.google.com/compute/docs/naming-resources#resource-name-format
   */
  nameLength: 63,
  /**
   * Per firewall rule (https://cloud.google.com/firewall/quotas#per-rule-limits):
   * source or destination ranges (256 when combined with source tags: we never combine).
   */
  ranges: 5000,
  sourceTags: 30,
  targetTags: 70,
  sourceServiceAccounts: 10,
  targetServiceAccounts: 10,
  /**
   * Firewall rule priorities, lower first.
   * https://cloud.google.com/firewall/docs/firewalls#priority_order_for_firewall_rules
   */
  priorityMin: 0,
  priorityMax: 65535,
  /**
   * Firewall rule descriptions.
   * https://cloud.google.com/compute/docs/reference/rest/v1/firewalls
   */
  descriptionMax: 2048,
  /**
   * Service-account ids (the part before `@`): 6–30 characters.
   * https://cloud.google.com/iam/docs/service-accounts-create#creating
   */
  serviceAccountIdMin: 6,
  serviceAccountIdMax: 30,
} as const;

/**
 * Our priorities, fixed per kind of rule, never per rule (plan.ts says why),
 * all below GCP's implied rules (65535) and a default network's allows (65534).
 */
export const GCP_PRIORITIES = {
  /** Deny guardrails: above every allow. */
  deny: 1000,
  /** Rules and allow guardrails. */
  allow: 2000,
  /** "Everything except": the complement of an egress allow that covers other IP protocols but not all (see plan.ts `broad`). */
  except: 3000,
  /** Egress allows of every IP protocol minus some services; their exceptions sit at `except`. */
  broadAllow: 4000,
  /** Explicit default deny in and out: below all of ours, above GCP's implied rules and a default network's allows. */
  defaultDeny: 65000,
} as const;

export const DENY_PRIORITY = GCP_PRIORITIES.deny;
export const ALLOW_PRIORITY = GCP_PRIORITIES.allow;
export const EXCEPT_PRIORITY = GCP_PRIORITIES.except;
export const BROAD_ALLOW_PRIORITY = GCP_PRIORITIES.broadAllow;
export const DEFAULT_DENY_PRIORITY = GCP_PRIORITIES.defaultDeny;

/** Longest name prefix we accept (every name and tag starts with it; ours). */
export const GCP_PREFIX_MAX = 40;
