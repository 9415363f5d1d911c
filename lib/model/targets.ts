/** The clouds a policy compiles to: named here, below the back ends and the verifier, so both can say which one they mean. */
export type TargetName = 'aws' | 'azure' | 'gcp' | 'kubernetes';
export const TARGET_NAMES: readonly TargetName[] = ['aws', 'azure', 'gcp', 'kubernetes'];
/** What `--target all` compiles when the policy declares no target: the three clouds (a cluster is opted into). */
export const CLOUD_TARGETS: readonly TargetName[] = ['aws', 'azure', 'gcp'];
