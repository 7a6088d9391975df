/**
 * The dex namespace: restricted, default-deny, and exactly the connections sign-in needs (the gateway's proxies
 * and Grafana to Dex's HTTP port, Dex to DNS), evaluated with scripts/netpol/evaluate.ts.
 */
import { describe, expect, it } from "vitest";
import { DEX_POD_LABELS, DEX_PORTS } from "../../charts/access/dex";
import { podSecurityLabels } from "../../charts/pod-security";
import { dexNamespaceObjects, GRAFANA_POD_LABELS } from "../../components/identity";
import { ENVOY_PROXY_POD_LABELS } from "../../domain/access";
import { DEX_NAMESPACE, INGRESS_NAMESPACE, KUBE_SYSTEM_NAMESPACE, MONITORING_NAMESPACE } from "../../domain/platform-namespaces";
import { allowed, type NetworkPolicy, type Pod, type World } from "../../scripts/netpol/evaluate";

type Obj = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any };

const DEX: Pod = { namespace: DEX_NAMESPACE, name: "dex", labels: { ...DEX_POD_LABELS } };
const PROXY: Pod = { namespace: INGRESS_NAMESPACE, name: "envoy-platform", labels: { ...ENVOY_PROXY_POD_LABELS } };
const GATEWAY_CONTROLLER: Pod = { namespace: INGRESS_NAMESPACE, name: "envoy-gateway", labels: { "app.kubernetes.io/name": "gateway-helm" } };
const GRAFANA: Pod = { namespace: MONITORING_NAMESPACE, name: "grafana", labels: { ...GRAFANA_POD_LABELS, "app.kubernetes.io/instance": "monitoring" } };
const PROMETHEUS: Pod = { namespace: MONITORING_NAMESPACE, name: "prometheus", labels: { "app.kubernetes.io/name": "prometheus" } };
const KUBE_DNS: Pod = { namespace: KUBE_SYSTEM_NAMESPACE, name: "coredns", labels: { "k8s-app": "kube-dns" } };
const TEAM_POD: Pod = { namespace: "recsys", name: "train", labels: { ...ENVOY_PROXY_POD_LABELS } };

const objects = dexNamespaceObjects({ labels: { team: "platform" } }) as unknown as Obj[];
const world: World = {
  namespaces: { [DEX_NAMESPACE]: {}, [INGRESS_NAMESPACE]: {}, [MONITORING_NAMESPACE]: {}, [KUBE_SYSTEM_NAMESPACE]: {}, recsys: {} },
  policies: objects.filter((o) => o.kind === "NetworkPolicy") as unknown as NetworkPolicy[],
};

describe("dexNamespaceObjects", () => {
  it("makes a restricted dex namespace with our labels, then its NetworkPolicies", () => {
    expect(objects.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([
      `Namespace ${DEX_NAMESPACE}`,
      "NetworkPolicy default-deny",
      "NetworkPolicy allow-dns",
      "NetworkPolicy allow-gateway",
      "NetworkPolicy allow-grafana",
    ]);
    expect(objects[0].metadata.labels).toEqual({ team: "platform", ...podSecurityLabels("restricted") });
    for (const o of objects.slice(1)) expect(o.metadata).toMatchObject({ namespace: DEX_NAMESPACE, labels: { team: "platform" } });
    expect(objects[1].spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });

  it("lets the gateway's proxies and Grafana reach Dex's HTTP port, and nothing else", () => {
    expect(allowed(world, { from: PROXY, to: DEX, port: DEX_PORTS.http })).toBe(true);
    expect(allowed(world, { from: GRAFANA, to: DEX, port: DEX_PORTS.http })).toBe(true);
    expect(allowed(world, { from: PROXY, to: DEX, port: DEX_PORTS.telemetry })).toBe(false);
    expect(allowed(world, { from: GRAFANA, to: DEX, port: DEX_PORTS.telemetry })).toBe(false);
  });

  it("admits no other pod of the gateway's or the monitoring namespace, and no look-alike elsewhere", () => {
    expect(allowed(world, { from: GATEWAY_CONTROLLER, to: DEX, port: DEX_PORTS.http })).toBe(false);
    expect(allowed(world, { from: PROMETHEUS, to: DEX, port: DEX_PORTS.http })).toBe(false);
    expect(allowed(world, { from: TEAM_POD, to: DEX, port: DEX_PORTS.http })).toBe(false);
    expect(allowed(world, { from: { ip: "10.0.0.1" }, to: DEX, port: DEX_PORTS.http })).toBe(false);
  });

  it("lets Dex resolve names and reach nothing else: no storage, no upstream connector", () => {
    expect(allowed(world, { from: DEX, to: KUBE_DNS, port: 53, protocol: "UDP" })).toBe(true);
    expect(allowed(world, { from: DEX, to: KUBE_DNS, port: 53 })).toBe(true);
    expect(allowed(world, { from: DEX, to: { ip: "10.96.0.1" }, port: 443 })).toBe(false);
    expect(allowed(world, { from: DEX, to: { ip: "140.82.112.3" }, port: 443 })).toBe(false);
    expect(allowed(world, { from: DEX, to: PROXY, port: 10443 })).toBe(false);
  });
});
