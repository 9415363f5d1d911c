/** Placeholder a failed segmentation construct returns for an identity: never reaches Terraform, because the error annotation stops the synth first. */
export const FAILED_IDENTITY = 'microseg-policy-did-not-compile';
