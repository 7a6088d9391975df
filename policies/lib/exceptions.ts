import { EXCEPTIONS, type PolicyException } from "../exceptions";

/** Today as YYYY-MM-DD; injectable for tests. */
export const isoDay = (date: Date = new Date()): string => date.toISOString().slice(0, 10);

/**
 * A reporter for one object's control checks: a failed check is reported with its control id unless an unexpired
 * registry entry exempts this object from that control. A cluster-scoped object (no namespace) is known to the
 * registry as `Kind/name`, so an entry for a ClusterRole never covers a Namespace of the same name.
 */
export function controlChecker(namespace: string | undefined, workload: string | undefined, report: (message: string, urn?: string) => void, kind?: string) {
  const identity = namespace === undefined && kind !== undefined && workload !== undefined ? clusterObject(kind, workload) : workload;
  return (control: string, ok: boolean, message: string, urn?: string): void => {
    if (!ok && !exemption(namespace, identity, control)) report(`${control}: ${message}`, urn);
  };
}

/** How the registry names a cluster-scoped object in `clusterObjects`. */
export const clusterObject = (kind: string, name: string): string => `${kind}/${name}`;

/** For namespace-level checks: any workload of the entry's namespace will do. */
export const ANY_WORKLOAD = Symbol("any workload");

/** An entry that names no workload and no cluster object covers its whole namespace. */
const coversWholeNamespace = (entry: PolicyException): boolean => entry.scope.workloads.length === 0 && (entry.scope.clusterObjects ?? []).length === 0;

/**
 * The unexpired registry entry, if any, that relaxes `control` for this object. Names match exactly: the pack
 * judges the objects a stack declares (a Deployment, a ClusterRole), never the pods controllers make of them, so
 * a prefix would only widen an entry to neighbours (`gpu-operator` to `gpu-operator-node-feature-discovery-gc`).
 * A namespaced object matches its namespace's entries by workload name (an entry that names nothing covers the
 * namespace); a cluster-scoped object (namespace undefined) only an entry listing it as `Kind/name` in
 * `clusterObjects`. An object without a name matches no entry that lists names.
 */
export function exemption(
  namespace: string | undefined,
  workload: string | undefined | typeof ANY_WORKLOAD,
  control: string,
  today = isoDay(),
  registry: readonly PolicyException[] = EXCEPTIONS,
): PolicyException | undefined {
  if (namespace === undefined)
    return registry.find(
      (e) => e.controls.includes(control) && e.expires >= today && typeof workload === "string" && (e.scope.clusterObjects ?? []).includes(workload),
    );
  return registry.find(
    (e) =>
      e.scope.namespace === namespace &&
      e.controls.includes(control) &&
      e.expires >= today &&
      (workload === ANY_WORKLOAD || coversWholeNamespace(e) || (typeof workload === "string" && e.scope.workloads.includes(workload))),
  );
}
