/** The Pulumi project name (Pulumi.yaml), which is also the namespace of its stack config keys. */
export const PROJECT = "mlops-platform";
