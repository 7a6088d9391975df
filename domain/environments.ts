/** The tiers a stack can be: they decide defaults, required controls and policy enforcement. */
export const ENVIRONMENTS = ["local", "dev", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Tiers people depend on: their controllers run two replicas behind a disruption budget, spread over nodes. */
export const highlyAvailable = (environment: Environment): boolean => environment === "staging" || environment === "prod";
