/**
 * The exceptions registry: the only way a security control (docs/security-controls.md) is relaxed. Every entry
 * names what it covers (component, namespace, workloads), which controls, why, who owns it and until when.
 * Team config may reference an entry by id only if the entry is scoped to that team's namespace.
 */
import type { PolicyException } from "./exceptions/entry";
import { OWN_WORKLOAD_EXCEPTIONS } from "./exceptions/own-workloads";
import { UPSTREAM_CHART_EXCEPTIONS } from "./exceptions/upstream-charts";

export type { PolicyException } from "./exceptions/entry";

export const EXCEPTIONS: readonly PolicyException[] = [...UPSTREAM_CHART_EXCEPTIONS, ...OWN_WORKLOAD_EXCEPTIONS];

export const EXCEPTION_IDS: ReadonlySet<string> = new Set(EXCEPTIONS.map((e) => e.id));

export function exceptionById(id: string): PolicyException | undefined {
  return EXCEPTIONS.find((e) => e.id === id);
}
