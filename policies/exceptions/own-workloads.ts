import type { PolicyException } from "../exceptions";

/** Relaxations for workloads of our own charts (charts/): where the software we run leaves no safer way. */
export const OWN_WORKLOAD_EXCEPTIONS: readonly PolicyException[] = [];
