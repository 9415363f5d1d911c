/** The clouds a policy compiles to: named here, below the back ends and the verifier, so both can say which one they mean. */
export type TargetName = 'aws' | 'azure' | 'gcp';
export const TARGET_NAMES: readonly TargetName[] = ['aws', 'azure', 'gcp'];
