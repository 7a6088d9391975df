/**
 * Each team's own Pushgateway and the scrape over them: pushed drift metrics carry the team of the namespace they
 * were collected in, never a team label someone pushed. The NetworkPolicies around it are proven in
 * test/netpol/connectivity.test.ts, the guardrails that keep the team from replacing or posing as it in
 * test/cluster/guardrails-pushgateway.test.ts.
 */
import { describe, it, expect } from "vitest";
import {
  DRIFT_JOB_IMAGES,
  DRIFT_PUSHGATEWAY_SELECTOR,
  DRIFT_SCRAPE_JOB,
  DRIFT_SCRAPE_RELABELINGS,
  driftPushgatewayObjects,
  driftPushgatewayResources,
  driftScrapeObjects,
  modelDriftObservabilityObjects,
} from "../../charts/services/drift";
import { guardrailRules } from "../../charts/guardrails";
import { MODEL_DRIFT_PUSHGATEWAY_POD_LABELS, teamNetworkPolicies } from "../../charts/team/network";
import { teamLabels } from "../../charts/team";
import { parseQuantity } from "../../config/quantity";
import { resolveTeam, teamSchema, type TeamConfig } from "../../config/teams";
import { PLATFORM_OWNED_LABELS } from "../../domain/ownership";
import { MONITORING_NAMESPACE } from "../../domain/platform-namespaces";
import { IMAGES, imageRef } from "../../domain/versions";
import type { Relabeling } from "../../charts/crds/monitoring";

/** As serialized: quantities and int-or-strings as their plain values. */
const plain = (value: unknown): unknown =>
  JSON.parse(
    JSON.stringify(value, (_key, v: unknown) =>
      v && typeof v === "object" && "value" in v && Object.keys(v).length === 1 ? (v as { value: unknown }).value : v,
    ),
  );
type Obj = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec: any };

const teamWith = (limits?: object): TeamConfig =>
  resolveTeam(
    teamSchema.parse({
      name: "fraud",
      costCenter: "cc-42",
      owners: { admin: { groups: ["fraud-admins"] } },
      quota: { cpu: "16", memory: "64Gi", gpu: 0, storage: "100Gi", persistentVolumeClaims: 1, pods: 50 },
      ...(limits ? { limits } : {}),
      services: ["evidently"],
      modelMonitors: [{ name: "churn", reference: "churn/reference.parquet", current: "churn/current.parquet" }],
    }),
    ["experiments"],
  );
const team = teamWith();
const objects = () => driftPushgatewayObjects(team, { "cost-center": "cc-42" }) as Obj[];
const find = (kind: string) => {
  const o = objects().find((x) => x.kind === kind);
  if (!o) throw new Error(`no ${kind}`);
  return o;
};
const pod = () => find("Deployment").spec.template.spec;
const monitor = () => driftScrapeObjects(["fraud", "ads"]) as Obj[];

describe("the team's Pushgateway", () => {
  it("is one Deployment and one Service, model-drift-pushgateway, in the team namespace; nothing without monitors", () => {
    expect(objects().map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      "Deployment/fraud/model-drift-pushgateway",
      "Service/fraud/model-drift-pushgateway",
    ]);
    expect(driftPushgatewayObjects({ ...team, modelMonitors: [] })).toEqual([]);
  });

  it("is the platform's: team and managed-by labels on the objects and the pods, so the team can read it but not change it", () => {
    for (const o of objects())
      expect(o.metadata.labels).toMatchObject({ ...teamLabels(team), ...PLATFORM_OWNED_LABELS, ...MODEL_DRIFT_PUSHGATEWAY_POD_LABELS });
    expect(find("Deployment").spec.template.metadata.labels).toMatchObject({ ...PLATFORM_OWNED_LABELS, ...MODEL_DRIFT_PUSHGATEWAY_POD_LABELS });
  });

  it("selects only pods the team cannot make: the Service and the Deployment select on the managed-by label too", () => {
    expect(DRIFT_PUSHGATEWAY_SELECTOR).toEqual({ ...MODEL_DRIFT_PUSHGATEWAY_POD_LABELS, ...PLATFORM_OWNED_LABELS });
    expect(find("Service").spec.selector).toEqual(DRIFT_PUSHGATEWAY_SELECTOR);
    expect(find("Deployment").spec.selector.matchLabels).toEqual(DRIFT_PUSHGATEWAY_SELECTOR);
  });

  it("runs the pinned upstream image (the chart 3.8.0's appVersion) as one pod, replaced not rolled, on the port named metrics", () => {
    expect(IMAGES.pushgateway).toEqual({ repository: "quay.io/prometheus/pushgateway", tag: "v1.11.3" });
    const d = find("Deployment");
    expect([d.spec.replicas, d.spec.strategy]).toEqual([1, { type: "Recreate" }]);
    const [c] = pod().containers;
    expect(c.image).toBe(imageRef("pushgateway"));
    expect(c.ports).toEqual([{ name: "metrics", containerPort: 9091, protocol: "TCP" }]);
    expect(find("Service").spec.ports).toEqual([{ name: "metrics", port: 9091, targetPort: "metrics", protocol: "TCP" }]);
    // The image-registry guardrail admits it wherever teams' registries are restricted.
    expect(Object.values(DRIFT_JOB_IMAGES)).toContain("pushgateway");
  });

  it("runs restricted as the image's user 65534, without an API token, writing only to an emptyDir", () => {
    const spec = pod();
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } });
    expect(spec.containers[0].securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(spec.containers[0].volumeMounts).toEqual([{ name: "data", mountPath: "/data" }]);
    expect(spec.volumes).toEqual([{ name: "data", emptyDir: { sizeLimit: "64Mi" } }]);
    expect(spec.containers[0].args).toEqual(["--persistence.file=/data/pushgateway.data", "--persistence.interval=5m"]);
    expect(spec.containers[0].args.join(" ")).not.toMatch(/admin-api/);
  });
});

describe("its resources: tiny, inside the team's LimitRange, counted in its quota", () => {
  const bytes = (q: string) => parseQuantity(q) ?? NaN;
  const fits = (t: TeamConfig) => {
    const r = plain(driftPushgatewayResources(t.limits)) as { requests: Record<string, string>; limits: Record<string, string> };
    for (const key of ["cpu", "memory"] as const) {
      expect(bytes(r.requests[key]), key).toBeGreaterThanOrEqual(bytes(t.limits.min[key]));
      expect(bytes(r.requests[key]), key).toBeLessThanOrEqual(bytes(t.limits.max[key]));
    }
    expect(bytes(r.limits.memory)).toBeGreaterThanOrEqual(bytes(r.requests.memory));
    expect(bytes(r.limits.memory)).toBeLessThanOrEqual(bytes(t.limits.max.memory));
    return r;
  };

  it("asks 10m and 32Mi, at most 64Mi, under the default LimitRange, and sets every quantity the quota counts", () => {
    expect(fits(team)).toEqual({ requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } });
    expect(pod().containers[0].resources).toEqual({ requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } });
  });

  it("rises to a higher LimitRange min and stays under a low max", () => {
    expect(fits(teamWith({ min: { cpu: "100m", memory: "128Mi" } }))).toEqual({ requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "128Mi" } });
    const low = teamWith({
      min: { cpu: "1m", memory: "8Mi" },
      defaultRequest: { cpu: "5m", memory: "16Mi" },
      default: { cpu: "5m", memory: "16Mi" },
      max: { cpu: "5m", memory: "16Mi" },
    });
    expect(fits(low)).toEqual({ requests: { cpu: "5m", memory: "16Mi" }, limits: { memory: "16Mi" } });
  });

  it("claims no volume: a team whose quota allows one PersistentVolumeClaim keeps it", () => {
    expect(team.quota.persistentVolumeClaims).toBe(1);
    expect(JSON.stringify(objects())).not.toMatch(/persistentVolumeClaim/);
  });
});

/**
 * Prometheus's target relabeling (replace, labeldrop) and honor_labels: false as documented
 * (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config): a scraped label that
 * clashes with a target label is kept as exported_<name>.
 */
function collect(target: Record<string, string>, relabelings: readonly Relabeling[], scraped: Record<string, string>): Record<string, string> {
  const labels = { ...target };
  for (const r of relabelings) {
    if (r.action === "labeldrop") for (const k of Object.keys(labels)) if (new RegExp(`^(?:${r.regex})$`).test(k)) delete labels[k];
    if (r.action === "replace" && r.targetLabel)
      labels[r.targetLabel] = r.sourceLabels ? r.sourceLabels.map((s) => labels[s] ?? "").join(";") : (r.replacement ?? "");
  }
  const out = Object.fromEntries(Object.entries(labels).filter(([k]) => !k.startsWith("__")));
  for (const [k, v] of Object.entries(scraped)) out[k in out ? `exported_${k}` : k] = v;
  return out;
}

describe("the scrape: `team` is where the metric was collected", () => {
  it("is one ServiceMonitor in monitoring over the Pushgateways of the given team namespaces; nothing without any", () => {
    const [m] = monitor();
    expect(monitor()).toHaveLength(1);
    expect(m).toMatchObject({ kind: "ServiceMonitor", metadata: { name: "model-drift-pushgateway", namespace: MONITORING_NAMESPACE } });
    expect(m.spec.namespaceSelector).toEqual({ matchNames: ["ads", "fraud"] });
    expect(m.spec.selector).toEqual({ matchLabels: DRIFT_PUSHGATEWAY_SELECTOR });
    expect(driftScrapeObjects([])).toEqual([]);
    expect((modelDriftObservabilityObjects({}, ["fraud"]) as Obj[]).map((o) => o.kind)).toContain("ServiceMonitor");
  });

  it("honours no scraped label and sets team from __meta_kubernetes_namespace, job to the drift job", () => {
    const [endpoint] = monitor()[0].spec.endpoints;
    expect(monitor()[0].spec.endpoints).toHaveLength(1);
    expect(endpoint).toMatchObject({ port: "metrics", honorLabels: false });
    expect(endpoint.relabelings).toEqual(DRIFT_SCRAPE_RELABELINGS);
    expect(endpoint.relabelings).toContainEqual({ action: "replace", sourceLabels: ["__meta_kubernetes_namespace"], targetLabel: "team" });
    expect(endpoint.relabelings).toContainEqual({ action: "replace", replacement: DRIFT_SCRAPE_JOB, targetLabel: "job" });
  });

  it("turns a forged team label into exported_team and keeps a series' identity when the pod is replaced", () => {
    const target = (podName: string) => ({
      __meta_kubernetes_namespace: "fraud",
      namespace: "fraud",
      pod: podName,
      job: "model-drift-pushgateway",
      instance: "10.0.0.7:9091",
    });
    const forged = { job: "model-drift", team: "ads", model: "churn", instance: "" };
    const got = collect(target("a"), DRIFT_SCRAPE_RELABELINGS, forged);
    expect(got).toMatchObject({ team: "fraud", exported_team: "ads", job: DRIFT_SCRAPE_JOB, exported_job: "model-drift", model: "churn", instance: "fraud" });
    expect(got).not.toHaveProperty("pod");
    expect(collect(target("b"), DRIFT_SCRAPE_RELABELINGS, forged)).toEqual(got);
  });
});

describe("what keeps other pods out of the scrape and the push", () => {
  it("the team-reserved-pod-labels guardrail names the Pushgateway's pod label", () => {
    const rule = guardrailRules({}).find((r) => r.name === "team-reserved-pod-labels");
    const validation = rule?.spec.validations?.[0];
    expect(validation?.expression).toContain("variables.podLabels[?'app.kubernetes.io/name'].orValue('') != 'model-drift-pushgateway'");
    expect(validation?.message).toContain("app.kubernetes.io/name=model-drift-pushgateway");
  });

  it("the team namespace admits the Prometheus scrape on the port named metrics, which the Pushgateway's port is", () => {
    const scrape = teamNetworkPolicies(team, { podIdentity: true }).find((p) => p.name === "allow-monitoring-scrape");
    expect(plain(scrape?.spec.ingress)).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": MONITORING_NAMESPACE } } }],
        ports: [{ protocol: "TCP", port: "metrics" }],
      },
    ]);
  });
});
