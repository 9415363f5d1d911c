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
   * Firewall policy rules (google_compute_network_firewall_policy_rule,
   * google_compute_firewall_policy_rule): at most 256 source secure tags
   * (`match.src_secure_tags`) and 256 target secure tags per rule.
   */
  sourceSecureTags: 256,
  targetSecureTags: 256,
  /**
   * Firewall policy rule priorities: 0–2147483647, lower first, unique in
   * a policy (a rule's id is its priority). The lowest few are the
   * policy's own default rules; ours stay below 2147483000.
   */
  policyPriorityMax: 2147483647,
  /**
   * Secure tags: a tag value's short name is 1–63 characters, alphanumeric
   * at both ends, `-_.` and alphanumerics between; a tag key's 1–256.
   * https://cloud.google.com/resource-manager/reference/rest/v3/tagValues
   */
  tagValueShortNameMax: 63,
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

/**
 * Firewall policy rules need one priority each: a band per kind (the bands
 * keep the order of GCP_PRIORITIES), and inside a band a slot derived from
 * the rule's name (policy-layout.ts), so a rule keeps its priority, and its
 * id, when other rules come and go.
 */
export const GCP_POLICY_BANDS: Readonly<Record<'deny' | 'allow' | 'except' | 'broad' | 'default-deny' | 'pass', number>> = {
  deny: 1_000_000,
  allow: 10_000_000,
  except: 20_000_000,
  broad: 30_000_000,
  'default-deny': 2_000_000_000,
  pass: 2_100_000_000,
};
/** Slots per band. */
export const GCP_POLICY_BAND_WIDTH = 1_000_000;

export const DENY_PRIORITY = GCP_PRIORITIES.deny;
export const ALLOW_PRIORITY = GCP_PRIORITIES.allow;
export const EXCEPT_PRIORITY = GCP_PRIORITIES.except;
export const BROAD_ALLOW_PRIORITY = GCP_PRIORITIES.broadAllow;
export const DEFAULT_DENY_PRIORITY = GCP_PRIORITIES.defaultDeny;

/** Longest name prefix we accept (every name and tag starts with it; ours). */
export const GCP_PREFIX_MAX = 40;
