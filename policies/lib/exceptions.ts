import { EXCEPTIONS, type PolicyException } from "../exceptions";

/** Today as YYYY-MM-DD; injectable for tests. */
export const isoDay = (d: Date = new Date()): string => d.toISOString().slice(0, 10);

/** The unexpired registry entry, if any, that relaxes `control` for this workload. */
export function exemption(namespace: string | undefined, workload: string | undefined, control: string, today = isoDay(), registry: readonly PolicyException[] = EXCEPTIONS): PolicyException | undefined {
  return registry.find(
    (e) =>
      e.scope.namespace === namespace &&
      e.controls.includes(control) &&
      e.expires >= today &&
      (workload === undefined || e.scope.workloads.length === 0 || e.scope.workloads.some((w) => workload === w || workload.startsWith(`${w}-`))),
  );
}
