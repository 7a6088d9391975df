/** The tiers a stack can be: they decide defaults, required controls and policy enforcement. */
export const ENVIRONMENTS = ["local", "dev", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
