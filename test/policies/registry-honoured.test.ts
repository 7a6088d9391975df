/**
 * Every Kubernetes policy of the pack honours the exceptions registry the same way: each finding names its
 * control, and an entry scoped to exactly that object and control silences it, while the same entry for
 * another object or control does not. The registry is swapped for a test registry per case.
 */
import { describe, it, expect, vi, beforeEach } from "vitest";
import type { PolicyException } from "../../policies/exceptions";
import { RESOURCE_POLICIES, STACK_POLICIES } from "../../policies/all";
import { gatewayAuth } from "../../policies/kubernetes/gateway-auth";
import { gatewayListeners } from "../../policies/kubernetes/gateway-listeners";
import { teamGuardrails } from "../../policies/kubernetes/team-guardrails";
import { gatewayStack } from "./gateway-fixture";
import { packViolations, stackReports } from "./harness";

const registry = vi.hoisted(() => ({ entries: [] as PolicyException[] }));
vi.mock("../../policies/exceptions", async (original) => {
  const actual = await original<typeof import("../../policies/exceptions")>();
  // exemption() reads EXCEPTIONS as its default registry: a getter hands it the case's entries.
  return {
    ...actual,
    get EXCEPTIONS() {
      return registry.entries;
    },
  };
});

const SECURE = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true };

/** One object per Kubernetes policy, each breaking at least one of its controls. */
const CASES: { policy: string; type: string; object: Record<string, any> }[] = [
  {
    policy: "k8s-pod-security",
    type: "kubernetes:apps/v1:DaemonSet",
    object: {
      metadata: { name: "agent", namespace: "monitoring" },
      spec: {
        template: {
          spec: {
            hostPID: true,
            containers: [
              { name: "a", image: "r/a:1", resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "1Gi" } }, securityContext: SECURE },
            ],
          },
        },
      },
    },
  },
  {
    policy: "k8s-workload-hygiene",
    type: "kubernetes:apps/v1:Deployment",
    object: {
      metadata: { name: "web", namespace: "monitoring" },
      spec: {
        template: {
          spec: {
            securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
            containers: [{ name: "w", image: "r/w:latest", securityContext: { ...SECURE, readOnlyRootFilesystem: false } }],
          },
        },
      },
    },
  },
  {
    policy: "k8s-namespace-pod-security",
    type: "kubernetes:core/v1:Namespace",
    object: { metadata: { name: "monitoring", labels: { "pod-security.kubernetes.io/enforce": "baseline" } } },
  },
  {
    policy: "k8s-rbac",
    type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
    object: { metadata: { name: "operator" }, rules: [{ apiGroups: ["apps"], resources: ["statefulsets"], verbs: ["*"] }] },
  },
  {
    policy: "k8s-rbac",
    type: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    object: { metadata: { name: "admins", namespace: "monitoring" }, roleRef: { kind: "ClusterRole", name: "cluster-admin" } },
  },
  {
    policy: "k8s-exposure",
    type: "kubernetes:core/v1:Service",
    object: { metadata: { name: "ui", namespace: "monitoring" }, spec: { type: "NodePort" } },
  },
  {
    policy: "k8s-exposure",
    type: "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy",
    object: { metadata: { name: "proxy", namespace: "monitoring" }, spec: {} },
  },
];

/** The gateway's stack policies, each on the compliant gateway with its Gateway broken (plain HTTP, no default policy). */
const GATEWAY_CASES = [
  {
    policy: gatewayListeners,
    stack: () =>
      gatewayStack(false).map((i) =>
        i.type.endsWith(":Gateway")
          ? { ...i, props: { ...i.props, spec: { ...(i.props.spec as object), listeners: [{ name: "apps", protocol: "HTTP", port: 80 }] } } }
          : i,
      ),
  },
  { policy: gatewayAuth, stack: () => gatewayStack(false).filter((i) => !i.name?.endsWith("/gateway-default")) },
];

/** packViolations reports "<policy>: <CONTROL>: <message>". */
const FINDING = /^k8s-[a-z-]+: ([A-Z0-9]+-\d+): /;
const controlOf = (message: string): string => FINDING.exec(message)?.[1] ?? "none";

/** An entry scoped to exactly this object: its namespace and name, or its name among cluster objects. */
function entryFor(type: string, object: Record<string, any>, controls: string[], name = object.metadata.name): PolicyException {
  const namespace: string | undefined = object.metadata.namespace;
  const kind = type.split(":").pop();
  return {
    id: "test-entry",
    controls,
    scope: namespace
      ? { component: "test", namespace, workloads: [name] }
      : { component: "test", namespace: "monitoring", workloads: [], clusterObjects: [`${kind}/${name}`] },
    reason: "a test entry scoped to one object",
    owner: "platform-team",
    expires: "2999-12-31",
  };
}

beforeEach(() => {
  registry.entries = [];
});

describe("every Kubernetes policy honours the exceptions registry the same way", () => {
  it("the cases cover every policy that judges Kubernetes objects", () => {
    const kubernetesPolicies = [...RESOURCE_POLICIES, ...STACK_POLICIES].filter((p) => p.name.startsWith("k8s-")).map((p) => p.name);
    expect(kubernetesPolicies.length).toBeGreaterThan(5);
    const stackCases = [teamGuardrails.name, ...GATEWAY_CASES.map((c) => c.policy.name)];
    expect(new Set([...CASES.map((c) => c.policy), ...stackCases])).toEqual(new Set(kubernetesPolicies));
  });

  it.each(CASES)("$policy: $type $object.metadata.name — findings name their control", ({ type, object }) => {
    const found = packViolations(type, object);
    expect(found.length).toBeGreaterThan(0);
    for (const message of found) expect(message).toMatch(FINDING);
  });

  it.each(CASES)("$policy: $type $object.metadata.name — an entry for exactly this object and its controls silences it", ({ type, object }) => {
    const controls = [...new Set(packViolations(type, object).map(controlOf))];
    registry.entries = [entryFor(type, object, controls)];
    expect(packViolations(type, object)).toEqual([]);
  });

  it.each(CASES)("$policy: $type $object.metadata.name — the entry for another object, or for other controls, does not", ({ type, object }) => {
    const before = packViolations(type, object);
    const controls = [...new Set(before.map(controlOf))];
    registry.entries = [entryFor(type, object, controls, "someone-else")];
    expect(packViolations(type, object)).toEqual(before);
    registry.entries = [entryFor(type, object, ["IAM-01"])];
    expect(packViolations(type, object)).toEqual(before);
  });
});

describe("k8s-team-guardrails (a stack policy) honours it the same way, for the namespace as a whole", () => {
  const bare = [{ type: "kubernetes:core/v1:Namespace", name: "recsys", props: { metadata: { name: "recsys", labels: { "mlops.platform/team": "recsys" } } } }];
  const messages = () => stackReports(teamGuardrails, bare).map((r) => r.message);

  it("reports each missing guardrail with its control", () => {
    expect(messages().length).toBeGreaterThan(3);
    for (const message of messages()) expect(message).toMatch(/^NS-0[23467]: /);
  });
  it("an entry covering the whole team namespace for those controls silences them; one naming a workload does not", () => {
    const controls = [...new Set(messages().map((m) => m.slice(0, 5)))];
    const whole: PolicyException = {
      id: "t",
      controls,
      scope: { component: "teams", namespace: "recsys", workloads: [] },
      reason: "a test entry for one namespace",
      owner: "platform-team",
      expires: "2999-12-31",
    };
    registry.entries = [{ ...whole, scope: { ...whole.scope, workloads: ["trainer"] } }];
    expect(messages().length).toBeGreaterThan(3);
    registry.entries = [whole];
    expect(messages()).toEqual([]);
  });
});

describe("the gateway's stack policies honour it the same way, for the object at fault", () => {
  const entry = (name: string, controls: string[]): PolicyException => ({
    id: "t",
    controls,
    scope: { component: "access", namespace: "ingress", workloads: [name] },
    reason: "a test entry for one object",
    owner: "platform-team",
    expires: "2999-12-31",
  });
  it.each(GATEWAY_CASES.map((c) => [c.policy.name, c] as const))("%s", (_name, { policy, stack }) => {
    const before = stackReports(policy, stack()).map((r) => r.message);
    expect(before.length).toBeGreaterThan(0);
    for (const message of before) expect(message).toMatch(/^EXP-0[125]: Gateway /);
    const controls = [...new Set(before.map((m) => m.slice(0, 6)))];
    registry.entries = [entry("other", controls)];
    expect(stackReports(policy, stack()).map((r) => r.message)).toEqual(before);
    registry.entries = [entry("platform", controls)];
    expect(stackReports(policy, stack())).toEqual([]);
  });
});
