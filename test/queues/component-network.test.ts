/**
 * kueue-system: restricted, default-deny, and exactly the connections Kueue needs (the API server calling its
 * webhooks and visibility API, Prometheus scraping metrics, the controller reaching DNS and the API server),
 * evaluated with scripts/netpol/evaluate.ts; the EKS and existing-cluster variants as the plan writes them.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { podSecurityLabels } from "../../charts/pod-security";
import { ANY_API_SERVER, eksApiServer, KUEUE_POD_LABELS, KUEUE_PORTS, kueueNamespaceObjects } from "../../components/queues";
import { KUBE_SYSTEM_NAMESPACE, KUEUE_NAMESPACE, MONITORING_NAMESPACE } from "../../domain/platform-namespaces";
import { allowed, type NetworkPolicy, type Pod, type World } from "../../scripts/netpol/evaluate";
import { parseYamlStream } from "../../scripts/plan/extract";
import type { PlanResult } from "../../scripts/plan/run";
import { T, one, plan } from "../components/plan-query";

type Obj = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any };

const KUEUE: Pod = { namespace: KUEUE_NAMESPACE, name: "kueue-controller-manager", labels: { ...KUEUE_POD_LABELS } };
const PROMETHEUS: Pod = { namespace: MONITORING_NAMESPACE, name: "prometheus", labels: { "app.kubernetes.io/name": "prometheus" } };
const KUBE_DNS: Pod = { namespace: KUBE_SYSTEM_NAMESPACE, name: "coredns", labels: { "k8s-app": "kube-dns" } };
const TEAM_POD: Pod = { namespace: "recsys", name: "train", labels: {} };

const worldOf = (objects: readonly Obj[]): World => ({
  namespaces: { [KUEUE_NAMESPACE]: {}, [MONITORING_NAMESPACE]: {}, [KUBE_SYSTEM_NAMESPACE]: {}, recsys: {} },
  policies: objects.filter((o) => o.kind === "NetworkPolicy") as unknown as NetworkPolicy[],
});

describe("kueueNamespaceObjects (pure)", () => {
  const objects = kueueNamespaceObjects({ labels: { team: "platform" } }) as unknown as Obj[];

  it("makes a restricted kueue-system with our labels, then its NetworkPolicies", () => {
    expect(objects.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([
      `Namespace ${KUEUE_NAMESPACE}`,
      "NetworkPolicy default-deny",
      "NetworkPolicy allow-dns",
      "NetworkPolicy allow-api-server-calls",
      "NetworkPolicy allow-monitoring-scrape",
      "NetworkPolicy allow-api-server",
    ]);
    expect(objects[0].metadata.labels).toEqual({ team: "platform", ...podSecurityLabels("restricted") });
    for (const o of objects.slice(1)) expect(o.metadata).toMatchObject({ namespace: KUEUE_NAMESPACE, labels: { team: "platform" } });
    expect(objects[1].spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });

  it("on an existing cluster, takes the API server from anywhere but link-local, on 443 and 6443", () => {
    const world = worldOf(objects);
    for (const ip of ["10.0.0.1", "192.168.49.2", "172.18.0.2"]) {
      for (const port of [KUEUE_PORTS.webhook, KUEUE_PORTS.visibility]) expect(allowed(world, { from: { ip }, to: KUEUE, port }), `${ip}:${port}`).toBe(true);
      for (const port of ANY_API_SERVER.ports) expect(allowed(world, { from: KUEUE, to: { ip }, port }), `to ${ip}:${port}`).toBe(true);
    }
    expect(allowed(world, { from: { ip: "169.254.169.254" }, to: KUEUE, port: KUEUE_PORTS.webhook })).toBe(false);
    expect(allowed(world, { from: KUEUE, to: { ip: "169.254.169.254" }, port: 443 })).toBe(false);
  });

  it("lets Prometheus scrape metrics and nothing else in the cluster call Kueue", () => {
    const world = worldOf(objects);
    expect(allowed(world, { from: PROMETHEUS, to: KUEUE, port: KUEUE_PORTS.metrics })).toBe(true);
    expect(allowed(world, { from: PROMETHEUS, to: KUEUE, port: KUEUE_PORTS.webhook })).toBe(false);
    for (const port of Object.values(KUEUE_PORTS)) expect(allowed(world, { from: TEAM_POD, to: KUEUE, port }), `team → ${port}`).toBe(false);
  });

  it("lets the controller resolve names and nothing else out but the API server", () => {
    const world = worldOf(objects);
    expect(allowed(world, { from: KUEUE, to: KUBE_DNS, port: 53, protocol: "UDP" })).toBe(true);
    expect(allowed(world, { from: KUEUE, to: KUBE_DNS, port: 53 })).toBe(true);
    expect(allowed(world, { from: KUEUE, to: TEAM_POD, port: 8080 })).toBe(false);
    expect(allowed(world, { from: KUEUE, to: PROMETHEUS, port: 9090 })).toBe(false);
    expect(allowed(world, { from: KUEUE, to: { ip: "10.0.0.1" }, port: 80 })).toBe(false);
  });
});

describe("eksApiServer (pure)", () => {
  it("is the VPC and the kubernetes Service's address, the first of the service range, on 443", () => {
    expect(eksApiServer("10.30.0.0/16", "172.20.0.0/16")).toEqual({ cidrs: ["10.30.0.0/16", "172.20.0.1/32"], ports: [443] });
    expect(eksApiServer("10.10.0.0/16", "10.100.0.0/16").cidrs[1]).toBe("10.100.0.1/32");
  });

  it("refuses a service range that is not a network address", () => {
    expect(() => eksApiServer("10.30.0.0/16", "172.20.0.1/16")).toThrow(/cluster.serviceCidr/);
  });

  it("admits the control plane's interfaces in the VPC and nothing outside it", () => {
    const world = worldOf(kueueNamespaceObjects({ apiServer: eksApiServer("10.30.0.0/16", "172.20.0.0/16") }) as unknown as Obj[]);
    expect(allowed(world, { from: { ip: "10.30.12.7" }, to: KUEUE, port: KUEUE_PORTS.webhook })).toBe(true);
    expect(allowed(world, { from: { ip: "10.31.0.1" }, to: KUEUE, port: KUEUE_PORTS.webhook })).toBe(false);
    expect(allowed(world, { from: KUEUE, to: { ip: "172.20.0.1" }, port: 443 })).toBe(true);
    expect(allowed(world, { from: KUEUE, to: { ip: "172.20.0.2" }, port: 443 })).toBe(false);
    expect(allowed(world, { from: KUEUE, to: { ip: "10.30.12.7" }, port: 6443 })).toBe(false);
    expect(allowed(world, { from: KUEUE, to: { ip: "52.95.110.1" }, port: 443 })).toBe(false);
  });
});

describe("kueue-system in the plans", () => {
  const plans: Record<string, PlanResult> = {};
  beforeAll(async () => {
    for (const stack of ["local", "prod"]) plans[stack] = await plan(stack);
  });
  const namespaceGroup = (stack: string) => parseYamlStream(one(plans[stack], T.configGroup, "queues-namespace").inputs.yaml as string) as Obj[];
  const apiServerEgress = (stack: string) => namespaceGroup(stack).find((o) => o.metadata.name === "allow-api-server")?.spec.egress[0];

  it("prod (EKS): the VPC and the kubernetes Service of the stack's ranges", () => {
    expect(apiServerEgress("prod")).toEqual({
      to: [{ ipBlock: { cidr: "10.30.0.0/16" } }, { ipBlock: { cidr: "172.20.0.1/32" } }],
      ports: [{ protocol: "TCP", port: 443 }],
    });
  });

  it("local (existing cluster): any address but link-local", () => {
    expect(apiServerEgress("local")).toEqual({
      to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.0.0/16"] } }],
      ports: [
        { protocol: "TCP", port: 443 },
        { protocol: "TCP", port: 6443 },
      ],
    });
  });

  it.each(["local", "prod"])("%s: the namespace is restricted and carries the platform's cost labels", (stack) => {
    const ns = namespaceGroup(stack)[0];
    expect(ns.kind).toBe("Namespace");
    expect(ns.metadata.labels).toMatchObject({ ...podSecurityLabels("restricted"), team: "platform", "cost-center": "ml-platform" });
  });
});
