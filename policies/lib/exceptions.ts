import { EXCEPTIONS, type PolicyException } from "../exceptions";

/** Today as YYYY-MM-DD; injectable for tests. */
export const isoDay = (d: Date = new Date()): string => d.toISOString().slice(0, 10);

/** For namespace-level checks: any workload of the entry's namespace will do. */
export const ANY_WORKLOAD = Symbol("any workload");

/**
 * The unexpired registry entry, if any, that relaxes `control` for this workload. A workload without a
 * name matches no entry that lists workloads.
 */
export function exemption(namespace: string | undefined, workload: string | undefined | typeof ANY_WORKLOAD, control: string, today = isoDay(), registry: readonly PolicyException[] = EXCEPTIONS): PolicyException | undefined {
  return registry.find(
    (e) =>
      e.scope.namespace === namespace &&
      e.controls.includes(control) &&
      e.expires >= today &&
      (workload === ANY_WORKLOAD || e.scope.workloads.length === 0 || (typeof workload === "string" && e.scope.workloads.some((w) => workload === w || workload.startsWith(`${w}-`)))),
  );
}
