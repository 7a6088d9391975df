/**
 * A team's own Kubeflow Pipelines under the team chart's NetworkPolicies, evaluated by scripts/netpol/evaluate.ts:
 * no team reaches another team's KFP (API, ML Metadata, its Envoy, the UI), only the gateway's proxies reach a
 * team's UI from outside its namespace, the database only from the API server and ML Metadata, the API server and
 * storage from the install and the run steps. Both teams have pipelines; EKS (RDS in the VPC) and an existing
 * cluster (KFP's MySQL in kubeflow, the in-cluster object store).
 */
import { describe, expect, it } from "vitest";
import { teamObjects } from "../../charts/team";
import { ENVOY_PROXY_POD_LABELS } from "../../charts/team/network";
import type { KfpNetwork } from "../../charts/team/pipelines";
import { resolveTeam, teamSchema, type TeamConfig } from "../../config/teams";
import { KFP_POD_LABELS, KFP_PORTS, KFP_STEP_POD_LABEL } from "../../domain/pipelines";
import { INGRESS_NAMESPACE, KUBEFLOW_NAMESPACE, OBJECT_STORE_NAMESPACE } from "../../domain/platform-namespaces";
import { allowed, egressAllowed, type NetworkPolicy, type Pod, type World } from "../../scripts/netpol/evaluate";
import { teamEntry } from "../teams/fixtures";

const make = (name: string): TeamConfig => resolveTeam(teamSchema.parse(teamEntry(name, { services: ["pipelines"] })), ["experiments"]);
const A = make("vision");
const B = make("nlp");
const EKS: KfpNetwork = {
  database: { kind: "cidrs", cidrs: ["10.30.0.0/16"], port: 3306 },
  apiServer: { cidrs: ["10.30.0.0/16", "172.20.0.1/32"], ports: [443] },
};
const EXISTING: KfpNetwork = {
  database: { kind: "pods", namespace: KUBEFLOW_NAMESPACE, podLabels: { app: "mysql" }, port: 3306 },
  apiServer: { cidrs: ["0.0.0.0/0"], ports: [443, 6443] },
};
const OBJECT_STORE = { namespace: OBJECT_STORE_NAMESPACE, port: 8333 };

function world(network: KfpNetwork, opts: { access: boolean; aws: boolean }): World {
  const objects = [A, B].flatMap(
    (team) =>
      teamObjects({
        team,
        environment: "dev",
        podIdentity: opts.aws,
        objectStore: opts.aws ? undefined : OBJECT_STORE,
        access: opts.access ? { groupsPrefix: "oidc:" } : undefined,
        pipelines: network,
      }) as unknown as { kind: string }[],
  );
  const namespaces = { [INGRESS_NAMESPACE]: {}, [KUBEFLOW_NAMESPACE]: {}, [OBJECT_STORE_NAMESPACE]: {}, [A.name]: {}, [B.name]: {} };
  return { namespaces, policies: objects.filter((o) => o.kind === "NetworkPolicy") as unknown as NetworkPolicy[] };
}

const kfp = (team: string, part: keyof typeof KFP_POD_LABELS): Pod => ({ namespace: team, name: part, labels: { ...KFP_POD_LABELS[part] } });
const step = (team: string): Pod => ({ namespace: team, name: "step", labels: { [KFP_STEP_POD_LABEL]: "train", "workflows.argoproj.io/workflow": "run-1" } });
const workload = (team: string): Pod => ({ namespace: team, name: "notebook", labels: { app: "notebook" } });
const PROXY: Pod = { namespace: INGRESS_NAMESPACE, name: "envoy", labels: { ...ENVOY_PROXY_POD_LABELS } };
const CONTROLLER: Pod = { namespace: INGRESS_NAMESPACE, name: "envoy-gateway", labels: { "app.kubernetes.io/name": "gateway-helm" } };
const MYSQL: Pod = { namespace: KUBEFLOW_NAMESPACE, name: "mysql", labels: { app: "mysql" } };
const SEAWEED: Pod = { namespace: OBJECT_STORE_NAMESPACE, name: "seaweedfs-s3", labels: {} };

/** What a team's pods reach of a team's KFP, by port. */
const SERVED: [keyof typeof KFP_POD_LABELS, number][] = [
  ["apiServer", KFP_PORTS.apiHttp],
  ["apiServer", KFP_PORTS.apiGrpc],
  ["metadataGrpc", KFP_PORTS.metadataGrpc],
  ["metadataEnvoy", KFP_PORTS.metadataEnvoy],
  ["ui", KFP_PORTS.ui],
];

describe("a team's own Kubeflow Pipelines: team to team", () => {
  const w = world(EKS, { access: true, aws: true });

  it.each(SERVED)("no pod of team A reaches team B's %s on %i, nor B's A's", (part, port) => {
    for (const from of [workload(A.name), step(A.name), kfp(A.name, "apiServer"), kfp(A.name, "ui")]) {
      expect(allowed(w, { from, to: kfp(B.name, part), port }), `${from.name} → nlp ${part}`).toBe(false);
      expect(allowed(w, { from: { ...from, namespace: B.name }, to: kfp(A.name, part), port }), `nlp ${from.name} → vision ${part}`).toBe(false);
    }
  });

  it.each(SERVED)("the team's own pods and steps reach its own %s on %i (the namespace itself)", (part, port) => {
    for (const from of [workload(A.name), step(A.name)]) expect(allowed(w, { from, to: kfp(A.name, part), port })).toBe(true);
  });
});

describe("a team's own Kubeflow Pipelines: the UI and the gateway", () => {
  it("only the gateway's proxies reach the UI from outside the namespace, on its port only", () => {
    const w = world(EKS, { access: true, aws: true });
    expect(allowed(w, { from: PROXY, to: kfp(A.name, "ui"), port: KFP_PORTS.ui })).toBe(true);
    expect(allowed(w, { from: PROXY, to: kfp(A.name, "ui"), port: KFP_PORTS.apiHttp })).toBe(false);
    expect(allowed(w, { from: CONTROLLER, to: kfp(A.name, "ui"), port: KFP_PORTS.ui })).toBe(false);
    for (const [part, port] of SERVED.filter(([p]) => p !== "ui")) expect(allowed(w, { from: PROXY, to: kfp(A.name, part), port }), part).toBe(false);
  });

  it("without the stack's gateway, not even the proxies", () => {
    const w = world(EKS, { access: false, aws: true });
    expect(allowed(w, { from: PROXY, to: kfp(A.name, "ui"), port: KFP_PORTS.ui })).toBe(false);
  });
});

describe("a team's own Kubeflow Pipelines: the database", () => {
  it("on EKS, RDS in the VPC on 3306 from the team's API server and ML Metadata only", () => {
    const w = world(EKS, { access: true, aws: true });
    const rds = { ip: "10.30.12.34" };
    expect(allowed(w, { from: kfp(A.name, "apiServer"), to: rds, port: 3306 })).toBe(true);
    expect(allowed(w, { from: kfp(A.name, "metadataGrpc"), to: rds, port: 3306 })).toBe(true);
    expect(allowed(w, { from: kfp(A.name, "apiServer"), to: rds, port: 5432 })).toBe(false);
    for (const from of [workload(A.name), step(A.name), kfp(A.name, "ui"), kfp(A.name, "persistenceAgent"), kfp(A.name, "workflowController")])
      expect(allowed(w, { from, to: rds, port: 3306 }), from.name).toBe(false);
  });

  it("on an existing cluster, KFP's MySQL pods in kubeflow from the team's API server and ML Metadata only", () => {
    const w = world(EXISTING, { access: false, aws: false });
    expect(egressAllowed(w, { from: kfp(A.name, "apiServer"), to: MYSQL, port: 3306 })).toBe(true);
    expect(egressAllowed(w, { from: kfp(A.name, "metadataGrpc"), to: MYSQL, port: 3306 })).toBe(true);
    expect(egressAllowed(w, { from: kfp(A.name, "apiServer"), to: { ...MYSQL, labels: { app: "other" } }, port: 3306 })).toBe(false);
    for (const from of [workload(A.name), step(A.name), kfp(A.name, "ui")]) expect(egressAllowed(w, { from, to: MYSQL, port: 3306 }), from.name).toBe(false);
  });
});

describe("a team's own Kubeflow Pipelines: the API server and storage", () => {
  it("the controllers, the API server, the UI and the run steps reach the Kubernetes API server; other team pods do not", () => {
    const w = world(EKS, { access: true, aws: true });
    const api = { ip: "172.20.0.1" };
    for (const part of ["apiServer", "persistenceAgent", "scheduledWorkflow", "workflowController", "ui"] as const)
      expect(allowed(w, { from: kfp(A.name, part), to: api, port: 443 }), part).toBe(true);
    expect(allowed(w, { from: step(A.name), to: api, port: 443 })).toBe(true);
    expect(allowed(w, { from: kfp(A.name, "metadataGrpc"), to: api, port: 443 })).toBe(false);
    expect(allowed(w, { from: workload(A.name), to: api, port: 443 })).toBe(false);
  });

  it("on EKS the API server, the UI and the steps reach S3 over HTTPS; a plain team pod does not; never the metadata address", () => {
    const w = world(EKS, { access: true, aws: true });
    const s3 = { ip: "52.216.1.1" };
    for (const from of [kfp(A.name, "apiServer"), kfp(A.name, "ui"), step(A.name)]) {
      expect(allowed(w, { from, to: s3, port: 443 }), from.name).toBe(true);
      expect(allowed(w, { from, to: { ip: "169.254.169.254" }, port: 80 }), from.name).toBe(false);
    }
    expect(allowed(w, { from: workload(A.name), to: s3, port: 443 })).toBe(false);
  });

  it("on an existing cluster they reach the in-cluster object store instead", () => {
    const w = world(EXISTING, { access: false, aws: false });
    for (const from of [kfp(A.name, "apiServer"), kfp(A.name, "ui"), step(A.name)])
      expect(egressAllowed(w, { from, to: SEAWEED, port: 8333 }), from.name).toBe(true);
    expect(egressAllowed(w, { from: workload(A.name), to: SEAWEED, port: 8333 })).toBe(false);
  });
});
