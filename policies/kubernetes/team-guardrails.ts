import type { PolicyResource } from "@pulumi/policy";
import { stackPolicy } from "../lib/define";
import { controlChecker } from "../lib/exceptions";
import { KUEUE_API, NAMESPACE_QUEUE_LABEL, TEAM_LABEL, kubernetesType, namespaceOf, nameOf } from "../lib/k8s";
import { quantityValue } from "../lib/quantity";

// No GPU key: GPUs are Kueue's quota, reached through the namespace's LocalQueue (NS-07).
const QUOTA_KEYS = ["requests.cpu", "requests.memory", "limits.memory", "requests.storage", "persistentvolumeclaims", "pods"];
const LOCAL_QUEUE = kubernetesType(KUEUE_API, "LocalQueue");

function isDefaultDeny(np: PolicyResource): boolean {
  const spec = np.props.spec ?? {};
  const selectsAll = spec.podSelector && Object.keys(spec.podSelector).length === 0;
  const types: string[] = spec.policyTypes ?? [];
  return selectsAll && types.includes("Ingress") && types.includes("Egress") && !spec.ingress?.length && !spec.egress?.length;
}

export const teamGuardrails = stackPolicy(
  {
    name: "k8s-team-guardrails",
    description:
      "Every team namespace has a complete ResourceQuota (no LoadBalancers or NodePorts), an ordered LimitRange, a default-deny NetworkPolicy, a default service account without a token, and a LocalQueue named after the team that its queue label names.",
    severity: "high",
    controls: ["NS-02", "NS-03", "NS-04", "NS-06", "NS-07"],
  },
  (args, report) => {
    // Resources by type, then namespace, in one pass: filtering every resource for every team namespace was
    // O(teams × resources), the largest cost of the policy pack at 2000 teams. Same lists in the same order.
    const byType = new Map<string, Map<unknown, PolicyResource[]>>();
    for (const resource of args.resources) {
      const byNamespace = byType.get(resource.type) ?? new Map<unknown, PolicyResource[]>();
      byType.set(resource.type, byNamespace);
      const namespace = namespaceOf(resource.props);
      const list = byNamespace.get(namespace);
      if (list) list.push(resource);
      else byNamespace.set(namespace, [resource]);
    }
    const inNs = (type: string, ns: string): readonly PolicyResource[] => byType.get(type)?.get(ns) ?? [];
    for (const ns of args.resources.filter((r) => r.type === "kubernetes:core/v1:Namespace" && r.props.metadata?.labels?.[TEAM_LABEL])) {
      const name = nameOf(ns.props);
      if (name === undefined) continue; // a Namespace without a name fails the API schema, not this policy
      // Namespace-level rules: only an entry covering the whole namespace (naming no workload) relaxes them.
      const check = controlChecker(name, undefined, report);
      const quotas = inNs("kubernetes:core/v1:ResourceQuota", name);
      const hard: Record<string, unknown> = Object.assign({}, ...quotas.map((q) => q.props.spec?.hard ?? {}));
      const missing = QUOTA_KEYS.filter((k) => hard[k] === undefined);
      check("NS-02", missing.length === 0, `team namespace ${name} has no quota for ${missing.join(", ")}`, ns.urn);
      for (const k of ["services.loadbalancers", "services.nodeports"])
        check("NS-02", String(hard[k]) === "0", `team namespace ${name} must set ${k} to 0`, ns.urn);
      const ranges = inNs("kubernetes:core/v1:LimitRange", name);
      check("NS-03", ranges.length > 0, `team namespace ${name} has no LimitRange`, ns.urn);
      for (const lr of ranges) {
        for (const l of lr.props.spec?.limits ?? []) {
          for (const res of ["cpu", "memory"]) {
            // Every defined pair in order, so a missing middle value cannot hide min > default.
            const values = [l.min?.[res], l.defaultRequest?.[res], l.default?.[res], l.max?.[res]].filter((v) => v !== undefined);
            const chain = values.map(quantityValue);
            check("NS-03", !chain.some(Number.isNaN), `LimitRange ${nameOf(lr.props)} in ${name} has a ${res} value that is not a quantity`, lr.urn);
            check(
              "NS-03",
              !chain.some((v, i) => chain.slice(i + 1).some((later) => later < v)),
              `LimitRange ${nameOf(lr.props)} in ${name} breaks min ≤ defaultRequest ≤ default ≤ max for ${res}`,
              lr.urn,
            );
          }
        }
      }
      check(
        "NS-04",
        inNs("kubernetes:networking.k8s.io/v1:NetworkPolicy", name).some(isDefaultDeny),
        `team namespace ${name} has no default-deny NetworkPolicy`,
        ns.urn,
      );
      const sa = inNs("kubernetes:core/v1:ServiceAccount", name).find((s) => nameOf(s.props) === "default");
      check(
        "NS-06",
        sa?.props.automountServiceAccountToken === false,
        `the default service account in ${name} must set automountServiceAccountToken: false`,
        ns.urn,
      );
      // The queue rule (mlops-gpu-queues) sends GPU work to the queue the label names; Kueue needs it to exist.
      const team = ns.props.metadata.labels[TEAM_LABEL];
      check(
        "NS-07",
        ns.props.metadata.labels[NAMESPACE_QUEUE_LABEL] === team,
        `team namespace ${name} must carry the label ${NAMESPACE_QUEUE_LABEL}=${team}, naming its LocalQueue`,
        ns.urn,
      );
      check(
        "NS-07",
        inNs(LOCAL_QUEUE, name).some((q) => nameOf(q.props) === team),
        `team namespace ${name} has no LocalQueue ${team}: its GPU work would have no queue to go through`,
        ns.urn,
      );
    }
  },
);
