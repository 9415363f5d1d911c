/**
 * AWS's quotas and limits for what the AWS plan emits, in one place, each
 * with the page of AWS's documentation that states it. AWS has no rule
 * priorities (security groups hold allows only, all of which count), so
 * there are no priority bands of ours to declare.
 */

export const AWS_QUOTAS = {
  /**
   * Inbound (and, separately, outbound) rules per security group and address
   * family; adjustable.
   * https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups
   */
  rulesPerGroup: 60,
  /**
   * Security groups per network interface; adjustable (with rulesPerGroup
   * × maxGroupsPerInterface at most 1000).
   * https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups
   */
  maxGroupsPerInterface: 5,
  /**
   * Security group names, and group and rule descriptions.
   * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html
   */
  textMax: 255,
  /**
   * Tag values.
   * https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
   */
  tagValueMax: 256,
} as const;

/** The quotas a caller may raise (planAws options, `targets.aws.maxGroupsPerInterface`), at their defaults. */
export const AWS_LIMITS = { rulesPerGroup: AWS_QUOTAS.rulesPerGroup, maxGroupsPerInterface: AWS_QUOTAS.maxGroupsPerInterface } as const;
