import { stackPolicy } from "./lib/define";
import { isoDay } from "./lib/exceptions";
import { EXCEPTIONS, type PolicyException } from "./exceptions";

/** Registry entries that have expired, as of `today`. */
export function expiredExceptions(today = isoDay(), registry: readonly PolicyException[] = EXCEPTIONS): PolicyException[] {
  return registry.filter((e) => e.expires < today);
}

/** Entries none of the given namespaces use: the registry must shrink when a need goes away. */
export function unusedExceptions(namespacesInUse: ReadonlySet<string>, registry: readonly PolicyException[] = EXCEPTIONS): PolicyException[] {
  return registry.filter((e) => !namespacesInUse.has(e.scope.namespace));
}

export const exceptionsRegistry = stackPolicy(
  {
    name: "exceptions-registry",
    description: "Every exception this stack relies on is current: an expired entry is a violation, so a relaxation ends unless someone renews it on purpose.",
    severity: "high",
    controls: ["NS-01", "POD-05"],
  },
  (args, report) => {
    // The namespaces the stack creates or puts objects in (a namespace an upstream manifest creates counts too).
    const namespaces = new Set([
      ...args.resources.filter((r) => r.type === "kubernetes:core/v1:Namespace").map((r) => r.props.metadata?.name),
      ...args.resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.props.metadata?.namespace),
    ]);
    for (const e of expiredExceptions()) {
      if (namespaces.has(e.scope.namespace)) report(`exception ${e.id} (owner ${e.owner}) expired on ${e.expires}; renew it with a reason or remove the need`);
    }
  },
);
