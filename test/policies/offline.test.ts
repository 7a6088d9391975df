/**
 * The pack over real offline plans (scripts/plan/policy.ts): every fixture stack (test/fixtures/stacks) is
 * clean, and violations planted into a real plan fail it with the right enforcement for the environment.
 */
import { describe, it, expect, beforeAll, afterEach, vi } from "vitest";
import { EXCEPTIONS } from "../../policies/exceptions";
import { expiredExceptions, unusedExceptions } from "../../policies/exceptions-registry";
import type { Environment } from "../../policies/lib/define";
import { kubernetesType } from "../../policies/lib/k8s";
import { mandatory, runPolicies, type Violation } from "../../scripts/plan/policy";
import type { PlanResult } from "../../scripts/plan/run";
import { usedNamespaces } from "../../scripts/plan/upstream";
import { fixtureStacks } from "../helpers/stack";
import { plan } from "../components/plan-query";

type Plant = NonNullable<Parameters<typeof runPolicies>[2]>[number];

const STACKS = fixtureStacks();
const plans = new Map<string, PlanResult>();
beforeAll(async () => {
  for (const stack of STACKS) plans.set(stack, await plan(stack));
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

const get = (stack: string) => plans.get(stack)!;
const envOf = (stack: string) => get(stack).config!.environment as Environment;
const namespacesOf = (p: PlanResult) => usedNamespaces(p);
const teamNamespaces = (p: PlanResult) =>
  p.objects.filter((o) => o.object.kind === "Namespace" && (o.object.metadata as any)?.labels?.["mlops.platform/team"]).map((o) => o.object.metadata!.name!);

/** A Kubernetes object planted as a child of a ConfigGroup of the plan, named as the runner names objects. */
function k8sPlant(p: PlanResult, object: Record<string, any>): Plant {
  const source = p.resources.find((r) => r.type === "kubernetes:yaml/v2:ConfigGroup")!.urn;
  const type = kubernetesType(object.apiVersion, object.kind);
  const name = `${object.metadata.namespace ? `${object.metadata.namespace}/` : ""}${object.metadata.name}`;
  return { type, name, urn: `${source}$${type}::${name}`, props: object, protect: false, parent: source };
}
function launchTemplatePlant(p: PlanResult, hopLimit: number): Plant {
  const real = p.resources.find((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate")!;
  const props = structuredClone(real.inputs) as Record<string, any>;
  props.metadataOptions.httpPutResponseHopLimit = hopLimit;
  return { type: real.type, name: "planted-lt", urn: `urn:pulumi:${p.stack}::mlops-platform::${real.type}::planted-lt`, props, protect: false };
}
const privilegedDeployment = (ns: string) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "planted-priv", namespace: ns },
  spec: {
    selector: { matchLabels: { app: "p" } },
    template: {
      metadata: { labels: { app: "p" } },
      spec: {
        securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
        containers: [
          {
            name: "app",
            image: "repo/app:1.0.0",
            securityContext: { privileged: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
            resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "1Gi" } },
          },
        ],
      },
    },
  },
});
const wildcardRole = (ns: string) => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "Role",
  metadata: { name: "team-planted", namespace: ns },
  rules: [{ apiGroups: [""], resources: ["*"], verbs: ["get"] }],
});
const lbService = (ns: string) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "planted-lb", namespace: ns },
  spec: { type: "LoadBalancer", selector: { app: "p" }, ports: [{ port: 443 }] },
});

const summary = (vs: readonly Violation[]) => vs.map((v) => `${v.enforcement} ${v.policy} ${v.urn}: ${v.message}`);
const of = (vs: readonly Violation[], urn: string) => vs.filter((v) => v.urn === urn);

describe.each(STACKS)("fixture stack %s", (stack) => {
  it("passes the pack with no violation at all, and prints nothing", async () => {
    const spies = [
      ...(["log", "info", "warn", "error", "debug"] as const).map((m) => vi.spyOn(console, m)),
      vi.spyOn(process.stdout, "write"),
      vi.spyOn(process.stderr, "write"),
    ];
    const violations = await runPolicies(get(stack), envOf(stack));
    for (const s of spies) expect(s).not.toHaveBeenCalled();
    expect(summary(mandatory(violations))).toEqual([]);
    expect(summary(violations)).toEqual([]);
  });
  it("relies on no registry entry in a team namespace", () => {
    const teams = new Set(teamNamespaces(get(stack)));
    for (const e of EXCEPTIONS) expect(teams.has(e.scope.namespace), e.id).toBe(false);
  });
});

describe("the shipped registry against the fixture stacks", () => {
  it("every entry is used by some stack (CI fails on unused entries)", () => {
    const used = new Set(STACKS.flatMap((s) => namespacesOf(get(s))));
    expect(unusedExceptions(used).map((e) => e.id)).toEqual([]);
  });
  it("a stack without the gpu-operator namespace leaves the GPU entry unused", () => {
    const withoutGpu = new Set(namespacesOf(get("prod")).filter((n) => n !== "gpu-operator"));
    expect(unusedExceptions(withoutGpu).map((e) => e.id)).toContain("gpu-operator-operands");
  });
  it("none has expired on the plan's test day; all have a year later", () => {
    expect(expiredExceptions("2026-11-22")).toEqual([]);
    const latest = EXCEPTIONS.map((e) => e.expires)
      .sort()
      .pop()!;
    const after = new Date(Date.parse(latest) + 86_400_000).toISOString().slice(0, 10);
    expect(expiredExceptions(after)).toHaveLength(EXCEPTIONS.length);
  });
  it("the prod pack fails once the gpu-operator entry has expired", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2027-07-01T12:00:00Z"));
    const vs = (await runPolicies(get("prod"), "prod")).filter((v) => v.policy === "exceptions-registry");
    expect(vs.map((v) => v.enforcement)).toContain("mandatory");
    expect(vs.map((v) => v.message)).toContain(
      "exception gpu-operator-operands (owner platform-team) expired on 2027-06-30; renew it with a reason or remove the need",
    );
  });
});

describe("violations planted into the prod plan", () => {
  const p = () => get("prod");
  const team = () => teamNamespaces(p())[0];

  it("fail the pack with mandatory violations naming each policy and URN", async () => {
    const plants = [
      launchTemplatePlant(p(), 2),
      k8sPlant(p(), privilegedDeployment(team())),
      k8sPlant(p(), wildcardRole(team())),
      k8sPlant(p(), lbService(team())),
    ];
    const vs = await runPolicies(p(), "prod", plants);
    const blocking = mandatory(vs);
    const [lt, deploy, role, svc] = plants.map((x) => x.urn);
    expect(of(blocking, lt).map((v) => `${v.policy}: ${v.message}`)).toEqual([
      "node-launch-template: metadataOptions.httpPutResponseHopLimit must be 1 so pods cannot reach node credentials (got 2)",
    ]);
    expect(of(blocking, deploy).map((v) => `${v.policy}: ${v.message}`)).toEqual(["k8s-pod-security: POD-05: container app must not be privileged"]);
    expect(of(blocking, role).map((v) => `${v.policy}: ${v.message}`)).toEqual(['k8s-rbac: RBAC-02: Role team-planted has "*" in resources']);
    expect(of(blocking, svc).map((v) => `${v.policy}: ${v.message}`)).toEqual([
      `k8s-exposure: EXP-01: Service planted-lb of type LoadBalancer outside the ingress namespace`,
    ]);
    expect(blocking).toHaveLength(4);
    expect(vs.filter((v) => v.enforcement === "advisory")).toEqual([]);
  });
  it("a team namespace without guardrails fails k8s-team-guardrails", async () => {
    const real = p().objects.find((o) => o.object.kind === "Namespace" && o.object.metadata?.name === team())!.object as Record<string, any>;
    const ns = structuredClone(real);
    ns.metadata.name = "planted-team";
    ns.metadata.labels["mlops.platform/team"] = "planted-team";
    ns.metadata.labels["mlops.platform/queue"] = "planted-team";
    const plant = k8sPlant(p(), ns);
    const vs = await runPolicies(p(), "prod", [plant]);
    expect(summary(vs)).toEqual([
      `mandatory k8s-team-guardrails ${plant.urn}: NS-02: team namespace planted-team has no quota for requests.cpu, requests.memory, limits.memory, requests.storage, persistentvolumeclaims, pods`,
      `mandatory k8s-team-guardrails ${plant.urn}: NS-02: team namespace planted-team must set services.loadbalancers to 0`,
      `mandatory k8s-team-guardrails ${plant.urn}: NS-02: team namespace planted-team must set services.nodeports to 0`,
      `mandatory k8s-team-guardrails ${plant.urn}: NS-03: team namespace planted-team has no LimitRange`,
      `mandatory k8s-team-guardrails ${plant.urn}: NS-04: team namespace planted-team has no default-deny NetworkPolicy`,
      `mandatory k8s-team-guardrails ${plant.urn}: NS-06: the default service account in planted-team must set automountServiceAccountToken: false`,
      `mandatory k8s-team-guardrails ${plant.urn}: NS-07: team namespace planted-team has no LocalQueue planted-team: its GPU work would have no queue to go through`,
    ]);
  });
  it("a gpu-operator operand is exempt from pod security, not from hygiene", async () => {
    const operand = privilegedDeployment("gpu-operator");
    Object.assign(operand, { kind: "DaemonSet", metadata: { name: "nvidia-driver-daemonset", namespace: "gpu-operator" } });
    delete (operand.spec.template.spec.containers[0] as Record<string, unknown>).resources;
    const plant = k8sPlant(p(), operand);
    expect(summary(await runPolicies(p(), "prod", [plant]))).toEqual([
      `advisory k8s-workload-hygiene ${plant.urn}: POD-08: container app needs cpu and memory requests and a memory limit`,
    ]);
  });
});

describe("violations planted into the dev plan", () => {
  const p = () => get("dev");
  it("high-severity violations are advisory in dev; critical ones stay mandatory", async () => {
    const team = teamNamespaces(p())[0];
    const plants = [launchTemplatePlant(p(), 2), k8sPlant(p(), lbService(team)), k8sPlant(p(), wildcardRole(team))];
    const vs = await runPolicies(p(), "dev", plants);
    const [lt, svc, role] = plants.map((x) => x.urn);
    expect(of(vs, lt).map((v) => `${v.enforcement} ${v.policy} ${v.severity}`)).toEqual(["advisory node-launch-template high"]);
    expect(of(vs, svc).map((v) => `${v.enforcement} ${v.policy} ${v.severity}`)).toEqual(["advisory k8s-exposure high"]);
    expect(summary(mandatory(vs))).toEqual([`mandatory k8s-rbac ${role}: RBAC-02: Role team-planted has "*" in resources`]);
  });
  it("the same plants are mandatory when judged as staging", async () => {
    const team = teamNamespaces(p())[0];
    const vs = await runPolicies(p(), "staging", [k8sPlant(p(), lbService(team))]);
    expect(mandatory(vs).map((v) => v.policy)).toEqual(["k8s-exposure"]);
  });
});

describe("the gateway in the real plans (k8s-gateway-listeners, k8s-gateway-auth)", () => {
  const kinds = (p: PlanResult, kind: string) => p.objects.filter((o) => o.object.kind === kind);
  const routeOf = (p: PlanResult) =>
    kinds(p, "HTTPRoute").find((o) => o.object.metadata?.namespace === "ingress" && !(o.object.metadata as any)?.labels?.["mlops.platform/identity-provider"])!;
  /** A second Gateway on the platform's class with one plain HTTP listener on port 80, and no policy of its own. */
  const plantedGateway = (p: PlanResult) =>
    k8sPlant(p, {
      ...structuredClone(kinds(p, "Gateway")[0].object),
      metadata: { name: "planted", namespace: "ingress" },
      spec: { gatewayClassName: "mlops-platform", listeners: [{ name: "web", port: 80, protocol: "HTTP" }] },
    });
  /** A SecurityPolicy that opens one of the plan's UI routes to everyone. */
  const openPolicy = (p: PlanResult, route: string) =>
    k8sPlant(p, {
      apiVersion: "gateway.envoyproxy.io/v1alpha1",
      kind: "SecurityPolicy",
      metadata: { name: "planted-open", namespace: "ingress" },
      spec: { targetRefs: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: route }], authorization: { defaultAction: "Allow" } },
    });

  it.each(STACKS)("%s plans one Gateway with its class, EnvoyProxy, routes and policies", (stack) => {
    for (const kind of ["GatewayClass", "EnvoyProxy", "Gateway"]) expect(kinds(get(stack), kind), kind).toHaveLength(1);
    expect(kinds(get(stack), "HTTPRoute").length).toBeGreaterThan(0);
    expect(kinds(get(stack), "SecurityPolicy").length).toBeGreaterThan(
      kinds(get(stack), "HTTPRoute").filter((r) => r.object.metadata?.namespace === "ingress").length - 1,
    );
  });
  it.each([
    ["prod", "mandatory"],
    ["local", "advisory"],
  ] as const)("%s: a plain HTTP listener is reported (%s there) and left without authentication (mandatory everywhere)", async (stack, listenerLevel) => {
    const plant = plantedGateway(get(stack));
    const vs = of(await runPolicies(get(stack), envOf(stack), [plant]), plant.urn);
    expect(vs.map((v) => `${v.enforcement} ${v.policy}: ${v.message.split(" serves no TLS")[0].split(" has no Gateway-level")[0]}`)).toEqual([
      `${listenerLevel} k8s-gateway-listeners: EXP-05: Gateway planted listener web (HTTP on 80)`,
      "mandatory k8s-gateway-auth: EXP-02: Gateway ingress/planted listener web",
    ]);
  });
  it("prod: an open SecurityPolicy on a UI route fails the pack", async () => {
    const route = routeOf(get("prod"));
    const name = route.object.metadata!.name!;
    const plant = openPolicy(get("prod"), name);
    // The gateway's policies only: the clean plan is the first describe's to prove.
    const vs = (await runPolicies(get("prod"), "prod", [plant])).filter((v) => v.policy.startsWith("k8s-gateway"));
    expect(summary(vs).map((s) => s.replace(/ urn:\S+/, ""))).toEqual([
      `mandatory k8s-gateway-auth EXP-02: HTTPRoute ingress/${name} is targeted by SecurityPolicy planted-open, which authenticates nobody (no oidc, no required jwt) and replaces the Gateway's policy there`,
      `mandatory k8s-gateway-auth EXP-02: HTTPRoute ingress/${name} has no SecurityPolicy with oidc or jwt targeting it, and no Gateway-level policy that authenticates and denies by default on every listener it attaches to`,
      "mandatory k8s-gateway-auth EXP-02: SecurityPolicy ingress/planted-open allows by default and denies nothing: everyone who reaches it is authorised (only the identity provider's own route may be open)",
    ]);
  });
});
