/** Namespace Pod Security labels (NS-01), team guardrails (NS-02/03/04/06/07) and RBAC (RBAC-01..03). */
import { describe, it, expect } from "vitest";
import { namespacePodSecurity } from "../../policies/kubernetes/namespace-pod-security";
import { rbac } from "../../policies/kubernetes/rbac";
import { teamGuardrails } from "../../policies/kubernetes/team-guardrails";
import { quantityValue } from "../../policies/lib/quantity";
import { mutate, packViolations, stackReports, stackViolations, urnOf, violations, type StackItem } from "./harness";

const NS_T = "kubernetes:core/v1:Namespace";
const PSA = (level: string, warn = level, audit = level) => ({
  "pod-security.kubernetes.io/enforce": level,
  "pod-security.kubernetes.io/enforce-version": "v1.35",
  "pod-security.kubernetes.io/warn": warn,
  "pod-security.kubernetes.io/warn-version": "v1.35",
  "pod-security.kubernetes.io/audit": audit,
  "pod-security.kubernetes.io/audit-version": "v1.35",
});
/** The team namespace components/teams renders. */
const TEAM_NS = {
  apiVersion: "v1",
  kind: "Namespace",
  metadata: {
    name: "recsys",
    labels: { ...PSA("restricted"), "mlops.platform/team": "recsys", "mlops.platform/queue": "recsys", team: "recsys", "cost-center": "cc-4711" },
  },
} as Record<string, any>;
const GPU_NS = {
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name: "gpu-operator", labels: { ...PSA("privileged", "restricted", "restricted"), team: "platform", "cost-center": "ml-platform" } },
};

describe("k8s-namespace-pod-security (NS-01)", () => {
  const check = (ns: object) => violations(namespacePodSecurity, NS_T, ns as Record<string, unknown>);
  const label = (change: (labels: Record<string, string | undefined>) => void) => check(mutate(TEAM_NS, (n) => change(n.metadata.labels)));

  it("the team and gpu-operator namespaces pass every policy of the pack", () => {
    expect(packViolations(NS_T, TEAM_NS)).toEqual([]);
    expect(packViolations(NS_T, GPU_NS)).toEqual([]);
  });
  it("every namespace carries an enforce label (and nothing else is judged without it)", () => {
    expect(label((l) => delete l["pod-security.kubernetes.io/enforce"])).toEqual(["NS-01: namespace recsys has no pod-security.kubernetes.io/enforce label"]);
  });
  const unpinned = (got: string) => `NS-01: namespace recsys does not pin pod-security.kubernetes.io/enforce-version to a release such as v1.35 (got ${got})`;
  it("pins the enforce version", () => {
    expect(label((l) => delete l["pod-security.kubernetes.io/enforce-version"])).toEqual([unpinned("none")]);
  });
  it.each(["latest", "1.35", "v1", "v1.35.2", "v2.0", ""])("enforce-version %j is not a pinned release", (version) => {
    // Regression: presence alone passed, so "latest" floated with the cluster.
    expect(label((l) => (l["pod-security.kubernetes.io/enforce-version"] = version))).toEqual([unpinned(version)]);
  });
  it("any v1.<minor> release pins", () => {
    expect(label((l) => (l["pod-security.kubernetes.io/enforce-version"] = "v1.29"))).toEqual([]);
  });
  it.each(["enforce", "warn", "audit"])("team namespaces %s restricted", (mode) => {
    expect(label((l) => (l[`pod-security.kubernetes.io/${mode}`] = "baseline"))).toEqual([`NS-01: team namespace recsys must ${mode} restricted`]);
  });
  it("a missing warn label is reported for team namespaces", () => {
    expect(label((l) => delete l["pod-security.kubernetes.io/warn"])).toEqual(["NS-01: team namespace recsys must warn restricted"]);
  });
  it("a privileged team namespace breaks both rules", () => {
    expect(label((l) => (l["pod-security.kubernetes.io/enforce"] = "privileged"))).toEqual([
      "NS-01: team namespace recsys must enforce restricted",
      "NS-01: namespace recsys is privileged without an exceptions-registry entry",
    ]);
  });
  it("privileged only where the registry allows it", () => {
    const monitoring = mutate(GPU_NS, (n) => (n.metadata.name = "monitoring"));
    expect(check(monitoring)).toEqual(["NS-01: namespace monitoring is privileged without an exceptions-registry entry"]);
  });
  it("non-team namespaces may enforce baseline", () => {
    expect(check(mutate(GPU_NS, (n) => Object.assign(n.metadata, { name: "ingress", labels: PSA("baseline") })))).toEqual([]);
  });
});

const LQ_T = "kubernetes:kueue.x-k8s.io/v1beta2:LocalQueue";
/** A team namespace with its guardrails as components/teams renders them, and its LocalQueue (charts/queues). */
function guardrails(ns = "recsys", omit: string[] = []): StackItem[] {
  const meta = (name: string) => ({ name, namespace: ns });
  const all: Record<string, StackItem> = {
    namespace: {
      type: NS_T,
      name: ns,
      props: mutate(TEAM_NS, (n) =>
        Object.assign(n.metadata, { name: ns, labels: { ...n.metadata.labels, "mlops.platform/team": ns, "mlops.platform/queue": ns } }),
      ),
    },
    quota: {
      type: "kubernetes:core/v1:ResourceQuota",
      name: `${ns}/team-quota`,
      props: {
        metadata: meta("team-quota"),
        spec: {
          hard: {
            "limits.memory": "512Gi",
            persistentvolumeclaims: "50",
            pods: "300",
            "requests.cpu": "128",
            "requests.memory": "512Gi",
            "requests.storage": "2Ti",
            "services.loadbalancers": "0",
            "services.nodeports": "0",
          },
        },
      },
    },
    limits: {
      type: "kubernetes:core/v1:LimitRange",
      name: `${ns}/team-limits`,
      props: {
        metadata: meta("team-limits"),
        spec: {
          limits: [
            {
              type: "Container",
              min: { cpu: "10m", memory: "16Mi" },
              defaultRequest: { cpu: "250m", memory: "512Mi" },
              default: { cpu: "1", memory: "2Gi" },
              max: { cpu: "128", memory: "512Gi" },
            },
          ],
        },
      },
    },
    deny: {
      type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      name: `${ns}/default-deny`,
      props: { metadata: meta("default-deny"), spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
    },
    sa: { type: "kubernetes:core/v1:ServiceAccount", name: `${ns}/default`, props: { metadata: meta("default"), automountServiceAccountToken: false } },
    queue: {
      type: LQ_T,
      name: `${ns}/${ns}`,
      props: { apiVersion: "kueue.x-k8s.io/v1beta2", kind: "LocalQueue", metadata: meta(ns), spec: { clusterQueue: ns } },
    },
  };
  return Object.entries(all)
    .filter(([k]) => !omit.includes(k))
    .map(([, v]) => v);
}
const patch = (items: StackItem[], type: string, change: (props: any) => void) =>
  items.map((i) => (i.type === type ? { ...i, props: mutate(i.props, change) } : i));

describe("k8s-team-guardrails (NS-02/03/04/06/07)", () => {
  const check = (items: StackItem[]) => stackViolations(teamGuardrails, items);
  const QUOTA_T = "kubernetes:core/v1:ResourceQuota";
  const LR_T = "kubernetes:core/v1:LimitRange";
  const NP_T = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

  it("a complete team namespace passes", () => {
    expect(check([...guardrails("recsys"), ...guardrails("nlp")])).toEqual([]);
  });
  it("names missing quota keys, at the namespace's URN", () => {
    const items = patch(guardrails(), QUOTA_T, (q) => {
      delete q.spec.hard["requests.storage"];
      delete q.spec.hard.pods;
    });
    expect(stackReports(teamGuardrails, items)).toEqual([
      { message: "NS-02: team namespace recsys has no quota for requests.storage, pods", urn: urnOf("prod", NS_T, "recsys") },
    ]);
  });
  it("reports everything when the quota is missing", () => {
    expect(check(guardrails("recsys", ["quota"]))).toEqual([
      "NS-02: team namespace recsys has no quota for requests.cpu, requests.memory, limits.memory, requests.storage, persistentvolumeclaims, pods",
      "NS-02: team namespace recsys must set services.loadbalancers to 0",
      "NS-02: team namespace recsys must set services.nodeports to 0",
    ]);
  });
  it("merges several quotas of the namespace", () => {
    const items = patch(guardrails(), QUOTA_T, (q) => {
      delete q.spec.hard.pods;
    });
    const extra = { type: QUOTA_T, name: "recsys/pods", props: { metadata: { name: "pods", namespace: "recsys" }, spec: { hard: { pods: 300 } } } };
    expect(check([...items, extra])).toEqual([]);
  });
  it("LoadBalancers and NodePorts are 0 (string or number)", () => {
    expect(check(patch(guardrails(), QUOTA_T, (q) => (q.spec.hard["services.loadbalancers"] = "1")))).toEqual([
      "NS-02: team namespace recsys must set services.loadbalancers to 0",
    ]);
    expect(check(patch(guardrails(), QUOTA_T, (q) => delete q.spec.hard["services.nodeports"]))).toEqual([
      "NS-02: team namespace recsys must set services.nodeports to 0",
    ]);
    expect(check(patch(guardrails(), QUOTA_T, (q) => (q.spec.hard["services.nodeports"] = 0)))).toEqual([]);
  });
  it("requires a LimitRange", () => {
    expect(check(guardrails("recsys", ["limits"]))).toEqual(["NS-03: team namespace recsys has no LimitRange"]);
  });
  it("reports a misordered LimitRange at its own URN", () => {
    const items = patch(guardrails(), LR_T, (l) => (l.spec.limits[0].defaultRequest.memory = "4Gi"));
    expect(stackReports(teamGuardrails, items)).toEqual([
      {
        message: "NS-03: LimitRange team-limits in recsys breaks min ≤ defaultRequest ≤ default ≤ max for memory",
        urn: urnOf("prod", LR_T, "recsys/team-limits"),
      },
    ]);
    expect(check(patch(guardrails(), LR_T, (l) => (l.spec.limits[0].max.cpu = "500m")))).toEqual([
      "NS-03: LimitRange team-limits in recsys breaks min ≤ defaultRequest ≤ default ≤ max for cpu",
    ]);
    expect(check(patch(guardrails(), LR_T, (l) => (l.spec.limits[0].default.memory = "1G")))).toEqual([]);
    expect(check(patch(guardrails(), LR_T, (l) => (l.spec.limits[0].defaultRequest.memory = "3G")))).toEqual([
      "NS-03: LimitRange team-limits in recsys breaks min ≤ defaultRequest ≤ default ≤ max for memory",
    ]);
  });
  it("a missing middle value does not hide min > default: every defined pair is compared", () => {
    // Regression: only neighbours were compared, and NaN for the gap made both comparisons false.
    const MEM = "NS-03: LimitRange team-limits in recsys breaks min ≤ defaultRequest ≤ default ≤ max for memory";
    const items = patch(guardrails(), LR_T, (l) => {
      delete l.spec.limits[0].defaultRequest;
      l.spec.limits[0].min.memory = "4Gi";
    });
    expect(check(items)).toEqual([MEM]);
    expect(
      check(
        patch(guardrails(), LR_T, (l) => {
          delete l.spec.limits[0].default;
          delete l.spec.limits[0].defaultRequest.memory;
          l.spec.limits[0].max.memory = "8Mi";
        }),
      ),
    ).toEqual([MEM]);
    // An unparseable value is reported itself and cannot hide the order problem of the others.
    expect(
      check(
        patch(guardrails(), LR_T, (l) => {
          l.spec.limits[0].defaultRequest.memory = "lots";
          l.spec.limits[0].min.memory = "4Gi";
        }),
      ),
    ).toEqual(["NS-03: LimitRange team-limits in recsys has a memory value that is not a quantity", MEM]);
    // Every Kubernetes suffix is understood: 1Pi above a 1Gi max is out of order, not silently NaN.
    expect(
      check(
        patch(guardrails(), LR_T, (l) => {
          delete l.spec.limits[0].defaultRequest.memory;
          delete l.spec.limits[0].default.memory;
          l.spec.limits[0].min.memory = "1Pi";
          l.spec.limits[0].max.memory = "1Gi";
        }),
      ),
    ).toEqual([MEM]);
    expect(
      check(
        patch(guardrails(), LR_T, (l) => {
          delete l.spec.limits[0].min;
          delete l.spec.limits[0].max;
        }),
      ),
    ).toEqual([]);
  });
  it("requires a default-deny NetworkPolicy for both directions, without allow rules", () => {
    const NONE = "NS-04: team namespace recsys has no default-deny NetworkPolicy";
    expect(check(guardrails("recsys", ["deny"]))).toEqual([NONE]);
    expect(check(patch(guardrails(), NP_T, (p) => (p.spec.policyTypes = ["Ingress"])))).toEqual([NONE]);
    expect(check(patch(guardrails(), NP_T, (p) => (p.spec.podSelector = { matchLabels: { app: "x" } })))).toEqual([NONE]);
    expect(check(patch(guardrails(), NP_T, (p) => (p.spec.ingress = [{}])))).toEqual([NONE]);
  });
  it("a default-deny in another namespace does not count", () => {
    const nlpDeny = guardrails("nlp").filter((i) => i.type === NP_T);
    expect(check([...guardrails("recsys", ["deny"]), ...nlpDeny])).toEqual(["NS-04: team namespace recsys has no default-deny NetworkPolicy"]);
  });
  it("the default service account mounts no token", () => {
    const SA = "NS-06: the default service account in recsys must set automountServiceAccountToken: false";
    expect(check(guardrails("recsys", ["sa"]))).toEqual([SA]);
    expect(check(patch(guardrails(), "kubernetes:core/v1:ServiceAccount", (s) => (s.automountServiceAccountToken = true)))).toEqual([SA]);
  });
  it("asks no GPU line of the quota: GPUs are Kueue's, through the namespace's queue", () => {
    expect(JSON.stringify(guardrails())).not.toContain("nvidia.com/gpu");
    expect(check(guardrails())).toEqual([]);
  });
  it("requires the LocalQueue named after the team, in the team's namespace", () => {
    const NONE = "NS-07: team namespace recsys has no LocalQueue recsys: its GPU work would have no queue to go through";
    expect(check(guardrails("recsys", ["queue"]))).toEqual([NONE]);
    expect(check(patch(guardrails(), LQ_T, (q) => (q.metadata.name = "default")))).toEqual([NONE]);
    const nlpQueue = guardrails("nlp").filter((i) => i.type === LQ_T);
    expect(check([...guardrails("recsys", ["queue"]), ...nlpQueue])).toEqual([NONE]);
  });
  it("requires the queue label naming that LocalQueue, which the queue rule and Kueue select on", () => {
    const LABEL = "NS-07: team namespace recsys must carry the label mlops.platform/queue=recsys, naming its LocalQueue";
    expect(check(patch(guardrails(), NS_T, (n) => delete n.metadata.labels["mlops.platform/queue"]))).toEqual([LABEL]);
    expect(check(patch(guardrails(), NS_T, (n) => (n.metadata.labels["mlops.platform/queue"] = "default")))).toEqual([LABEL]);
  });
  it("judges only namespaces labelled with a team", () => {
    expect(check([{ type: NS_T, name: "monitoring", props: { metadata: { name: "monitoring", labels: PSA("restricted") } } }])).toEqual([]);
  });
  it("quantityValue reads binary and decimal suffixes", () => {
    expect([quantityValue("250m"), quantityValue("1"), quantityValue("1Ki"), quantityValue("1k"), quantityValue("2Gi"), quantityValue(3)]).toEqual([
      0.25,
      1,
      1024,
      1000,
      2 * 2 ** 30,
      3,
    ]);
    expect(quantityValue("1G")).toBeLessThan(quantityValue("1Gi"));
    expect(quantityValue(undefined)).toBeNaN();
  });
});

describe("k8s-rbac (RBAC-01..03)", () => {
  const ROLE_T = "kubernetes:rbac.authorization.k8s.io/v1:Role";
  const CROLE_T = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
  const RB_T = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
  const CRB_T = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";
  /** An excerpt of the team-admin Role components/teams renders. */
  const TEAM_ROLE = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: "team-admin", namespace: "recsys" },
    rules: [
      { apiGroups: [""], resources: ["pods", "pods/log", "services", "resourcequotas", "limitranges"], verbs: ["get", "list", "watch"] },
      { apiGroups: [""], resources: ["pods", "services", "configmaps", "persistentvolumeclaims"], verbs: ["create", "update", "patch", "delete"] },
      { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch", "create", "update", "patch", "delete"] },
      { apiGroups: [""], resources: ["pods/portforward"], verbs: ["create"] },
      { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles", "rolebindings"], verbs: ["get", "list", "watch"] },
    ],
  } as Record<string, any>;
  const withRule = (rule: object, role = TEAM_ROLE) => mutate(role, (r) => r.rules.push(rule));
  const check = (obj: object, type = ROLE_T, environment: string | null = "prod", stack?: string) =>
    violations(rbac, type, obj as Record<string, unknown>, { environment, stack });
  const binding = (kind: string, roleRef: string, name = "b") => ({
    kind,
    metadata: { name },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: roleRef },
    subjects: [{ kind: "Group", name: "g" }],
  });

  it("the team role passes every policy of the pack", () => {
    expect(packViolations(ROLE_T, TEAM_ROLE)).toEqual([]);
  });
  it.each(["apiGroups", "resources", "verbs"])('no "*" in %s, in any Role or ClusterRole', (key) => {
    const rule = { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"], [key]: ["*"] };
    expect(check(withRule(rule))).toEqual([`RBAC-02: Role team-admin has "*" in ${key}`]);
    expect(check({ metadata: { name: "ops-reader" }, rules: [rule] }, CROLE_T)).toEqual([`RBAC-02: ClusterRole ops-reader has "*" in ${key}`]);
  });
  it("cluster-admin is never bound; admin never cluster-wide", () => {
    expect(check(binding("ClusterRoleBinding", "cluster-admin", "ops"), CRB_T)).toEqual(["RBAC-01: ClusterRoleBinding ops grants cluster-admin"]);
    expect(check(binding("ClusterRoleBinding", "admin", "ops"), CRB_T)).toEqual(["RBAC-01: ClusterRoleBinding ops grants admin"]);
    expect(check(binding("RoleBinding", "cluster-admin", "ops"), RB_T)).toEqual(["RBAC-01: RoleBinding ops grants cluster-admin"]);
    expect(check(binding("RoleBinding", "admin", "ops"), RB_T)).toEqual([]);
    expect(check(binding("ClusterRoleBinding", "view", "ops"), CRB_T)).toEqual([]);
  });
  it.each(["escalate", "bind", "impersonate"])("team roles never grant %s", (verb) => {
    expect(check(withRule({ apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: [verb] }))).toEqual([
      `RBAC-03: team role team-admin in recsys grants ${verb}`,
    ]);
  });
  it.each(["nodes/proxy", "serviceaccounts/token", "validatingwebhookconfigurations", "mutatingwebhookconfigurations"])(
    "team roles never grant %s",
    (resource) => {
      expect(check(withRule({ apiGroups: [""], resources: [resource], verbs: ["get"] }))).toEqual([`RBAC-03: team role team-admin grants ${resource}`]);
    },
  );
  it.each(["resourcequotas", "limitranges", "networkpolicies", "roles", "rolebindings"])("team roles may read but not change %s", (resource) => {
    expect(check(withRule({ apiGroups: ["", "networking.k8s.io", "rbac.authorization.k8s.io"], resources: [resource], verbs: ["patch"] }))).toEqual([
      `RBAC-03: team role team-admin may change ${resource}, which the platform owns`,
    ]);
    expect(check(withRule({ apiGroups: [""], resources: [resource], verbs: ["get", "list"] }))).toEqual([]);
  });
  it.each(["pods/exec", "pods/attach", "pods/ephemeralcontainers"])("%s only outside prod (config or URN)", (resource) => {
    const role = withRule({ apiGroups: [""], resources: [resource], verbs: ["create"] });
    expect(check(role)).toEqual([`RBAC-03: team role team-admin grants ${resource} in prod`]);
    expect(check(role, ROLE_T, null, "prod")).toEqual([`RBAC-03: team role team-admin grants ${resource} in prod`]);
    expect(check(role, ROLE_T, "dev")).toEqual([]);
    expect(check(role, ROLE_T, null, "staging")).toEqual([]);
  });
  it("platform roles (not team-*) are judged only for wildcards", () => {
    const platform = mutate(TEAM_ROLE, (r) => (r.metadata.name = "platform-ops"));
    expect(check(withRule({ apiGroups: [""], resources: ["pods/exec", "resourcequotas"], verbs: ["create", "impersonate"] }, platform))).toEqual([]);
  });
});
