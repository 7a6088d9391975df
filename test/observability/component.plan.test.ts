/** The Observability component under the offline plan (prod on EKS, local on an existing cluster). */
import { PLATFORM_NAMESPACES } from "../../domain/platform-namespaces";
import { describe, it, expect, beforeAll } from "vitest";
import { readInventory } from "../../scripts/inventory/store";
import { DCGM_METRICS_CONFIG_MAP, DCGM_METRICS_FILE } from "../../charts/gpu-operator";
import { COST_DASHBOARDS, COST_RULE_NAME, DASHBOARDS, MONITORING_NAMESPACE, NODE_EXPORTER_NAMESPACE } from "../../charts/observability";
import { GRAFANA_ADMIN_SECRET } from "../../components/observability";
import { grafanaOAuthMount } from "../../components/observability/oauth";
import { GRAFANA_ADMIN_MOUNT, GRAFANA_ADMIN_USER } from "../../components/observability/values";
import { CHARTS } from "../../domain/versions";
import { exemption, ANY_WORKLOAD } from "../../policies/lib/exceptions";
import { parseYamlStream } from "../../scripts/plan/extract";
import { runPolicies } from "../../scripts/plan/policy";
import type { PlanResult } from "../../scripts/plan/run";
import { TODAY } from "../helpers/stack";
import { T, childrenOf, input, one, plan, type Res } from "../components/plan-query";

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [k: string]: any };
const objs = (group: Res) => parseYamlStream(group.inputs.yaml as string) as Obj[];
const SECRET = "kubernetes:core/v1:Secret";

const plans: Record<string, PlanResult> = {};
beforeAll(async () => {
  plans.prod = await plan("prod");
  plans.local = await plan("local");
});

describe.each(["prod", "local"])("Observability (%s)", (stack) => {
  const p = () => plans[stack];
  const component = () => one(p(), "mlops:observability:Observability", "monitoring");
  const chart = () => one(p(), T.chart, "monitoring");
  const content = () => one(p(), T.configGroup, "monitoring-content");

  it("is a top-level component with namespaces, password, secrets (admin, IdP client), chart and content", () => {
    expect(component().parent).toBeNull();
    expect(
      childrenOf(p(), component())
        .map((c) => `${c.type} ${c.name}`)
        .sort(),
    ).toEqual(
      [
        `${T.configGroup} monitoring-content`,
        `${T.configGroup} monitoring-namespaces`,
        `${T.chart} monitoring`,
        `${SECRET} monitoring-grafana-admin`,
        // The stack has access: Grafana signs people in as the IdP's client.
        `${SECRET} monitoring-grafana-oauth`,
        // prod's alert receivers read credentials (test/alerting); local has no alerting section.
        ...(stack === "prod" ? [`${SECRET} monitoring-alertmanager-receivers`] : []),
        "random:index/randomPassword:RandomPassword monitoring-grafana-admin",
      ].sort(),
    );
    for (const r of childrenOf(p(), component()).filter((c) => c.type.startsWith("kubernetes:")))
      expect(r.provider).toBe(`urn:pulumi:${stack}::mlops-platform::pulumi:providers:kubernetes::mlops-${stack}`);
  });

  it("creates monitoring (restricted) and node-exporter (privileged, covered by the exceptions registry)", () => {
    const ns = objs(one(p(), T.configGroup, "monitoring-namespaces"));
    expect(ns.map((o) => o.kind)).toEqual(["Namespace", "Namespace"]);
    const labels = (name: string) => ns.find((o) => o.metadata.name === name)!.metadata.labels!;
    expect(labels(MONITORING_NAMESPACE)).toMatchObject({
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/audit": "restricted",
    });
    expect(labels(NODE_EXPORTER_NAMESPACE)).toMatchObject({
      "pod-security.kubernetes.io/enforce": "privileged",
      "pod-security.kubernetes.io/warn": "restricted",
    });
    const entry = exemption(NODE_EXPORTER_NAMESPACE, ANY_WORKLOAD, "NS-01", TODAY.toISOString().slice(0, 10));
    expect(entry?.id).toBe("node-exporter-host-access");
    expect(exemption(MONITORING_NAMESPACE, ANY_WORKLOAD, "NS-01")).toBeUndefined();
  });

  it("keeps the Grafana admin password in a generated, masked Secret", () => {
    const secret = one(p(), SECRET, "monitoring-grafana-admin");
    expect(secret.inputs).toMatchObject({ type: "Opaque", metadata: { name: GRAFANA_ADMIN_SECRET, namespace: MONITORING_NAMESPACE } });
    // Masked value by value, keys kept: the written Secret stays a valid object.
    expect(secret.inputs.stringData).toEqual({ "admin-user": "[secret]", "admin-password": "[secret]" });
    expect(secret.inputs.data).toBeUndefined();
    const password = one(p(), "random:index/randomPassword:RandomPassword", "monitoring-grafana-admin");
    expect(password.inputs.length).toBeGreaterThanOrEqual(32);
    expect(secret.dependsOn).toContain(password.urn);
    expect(secret.dependsOn).toContain(one(p(), T.configGroup, "monitoring-namespaces").urn);
  });

  it("installs kube-prometheus-stack at the catalogue version into monitoring, after the secret", () => {
    const ref = CHARTS.kubePrometheusStack;
    expect(chart().inputs).toMatchObject({ chart: ref.chart, version: ref.version, repositoryOpts: { repo: ref.repo }, namespace: MONITORING_NAMESPACE });
    expect(chart().dependsOn).toEqual(
      expect.arrayContaining([one(p(), SECRET, "monitoring-grafana-admin").urn, one(p(), T.configGroup, "monitoring-namespaces").urn]),
    );
  });

  it("configures Grafana, Prometheus selectors, node-exporter's namespace and Alertmanager", () => {
    const v = input<Record<string, any>>(chart(), "values");
    expect(v.grafana.admin).toEqual({ existingSecret: GRAFANA_ADMIN_SECRET });
    expect(v.grafana["grafana.ini"]["auth.anonymous"].enabled).toBe(false);
    expect(v.grafana.sidecar.dashboards).toMatchObject({ enabled: true, label: "grafana_dashboard", labelValue: "1" });
    expect(v.prometheus.prometheusSpec).toMatchObject({
      serviceMonitorSelectorNilUsesHelmValues: false,
      podMonitorSelectorNilUsesHelmValues: false,
      ruleSelectorNilUsesHelmValues: false,
    });
    expect(v["prometheus-node-exporter"].namespaceOverride).toBe(NODE_EXPORTER_NAMESPACE);
    expect(v.alertmanager.enabled).toBe(true);
  });

  it("gives Grafana its admin password as a mounted file, so no container takes a Secret through its environment (POD-11)", () => {
    const g = input<Record<string, any>>(chart(), "values").grafana;
    expect(g.env).toMatchObject({ GF_SECURITY_ADMIN_USER: GRAFANA_ADMIN_USER, GF_SECURITY_ADMIN_PASSWORD__FILE: `${GRAFANA_ADMIN_MOUNT}/admin-password` });
    // With access, the IdP client secret is a mounted file too (components/observability/oauth.ts).
    expect(g.extraSecretMounts).toEqual([
      { name: "admin", secretName: GRAFANA_ADMIN_SECRET, mountPath: GRAFANA_ADMIN_MOUNT, readOnly: true, defaultMode: 0o440 },
      grafanaOAuthMount,
    ]);
    // With both admin variables set the chart adds no REQ_USERNAME/REQ_PASSWORD to the sidecars; they reload nothing.
    expect(g.sidecar.dashboards.skipReload).toBe(true);
    expect(g.sidecar.datasources).toMatchObject({ initDatasources: true, watchMethod: "LIST", skipReload: true });
  });

  it("and the rendered chart agrees: no container of kube-prometheus-stack takes a Secret through its environment (from the inventory)", () => {
    const monitoring = readInventory().filter((f) => f.chart === "kube-prometheus-stack");
    expect(monitoring.length).toBeGreaterThan(0);
    for (const file of monitoring) {
      const containers = file.objects.flatMap((o) => [...(o.spec?.template?.spec?.containers ?? []), ...(o.spec?.template?.spec?.initContainers ?? [])]);
      expect(containers.map((c) => c.name)).toContain("grafana");
      for (const c of containers) {
        expect(
          (c.env ?? []).filter((e: any) => e.valueFrom?.secretKeyRef),
          c.name,
        ).toEqual([]);
        expect(
          (c.envFrom ?? []).filter((e: any) => e.secretRef),
          c.name,
        ).toEqual([]);
      }
      const grafana = containers.find((c) => c.name === "grafana");
      expect(grafana.env.map((e: any) => e.name)).toContain("GF_SECURITY_ADMIN_PASSWORD__FILE");
    }
  });

  it("runs Grafana, its sidecars and the exporters read-only, sized, and node-exporter without escalation or capabilities", () => {
    const v = input<Record<string, any>>(chart(), "values");
    expect(v.grafana.containerSecurityContext.readOnlyRootFilesystem).toBe(true);
    expect(v.grafana.sidecar.securityContext.readOnlyRootFilesystem).toBe(true);
    // k8s-sidecar needs a writable temp directory under a read-only root.
    expect(v.grafana.extraEmptyDirMounts).toContainEqual({ name: "tmp", mountPath: "/tmp" });
    for (const s of ["dashboards", "datasources"]) expect(v.grafana.sidecar[s].extraMounts, s).toContainEqual({ name: "tmp", mountPath: "/tmp" });
    const ne = v["prometheus-node-exporter"];
    expect(ne.securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
    expect(ne.containerSecurityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    for (const [name, r] of Object.entries({
      grafana: v.grafana.resources,
      "grafana sidecars": v.grafana.sidecar.resources,
      "node-exporter": ne.resources,
      "prometheus-operator": v.prometheusOperator.resources,
      "kube-state-metrics": v["kube-state-metrics"].resources,
    }) as [string, any][]) {
      expect(Object.keys(r.requests).sort(), name).toEqual(["cpu", "memory"]);
      expect(Object.keys(r.limits), name).toEqual(["memory"]);
    }
  });

  it("adds dashboards, the PrometheusRule and the platform ServiceMonitor only after the chart", () => {
    expect(content().dependsOn).toContain(chart().urn);
    const all = objs(content());
    const cms = all.filter((o) => o.kind === "ConfigMap");
    // Cost allocation is on by default on EKS (off on an existing cluster without prices): the money dashboards and
    // the cost rules then join the others.
    const costs = p().config?.costs.allocation.enabled === true;
    expect(costs).toBe(stack === "prod");
    const dashboards = costs ? [...DASHBOARDS, ...COST_DASHBOARDS] : DASHBOARDS;
    expect(cms.map((c) => c.metadata.name).sort()).toEqual(dashboards.map((d) => `dashboard-${d.uid}`).sort());
    for (const cm of cms) {
      expect(cm.metadata).toMatchObject({ namespace: MONITORING_NAMESPACE, labels: { grafana_dashboard: "1" } });
      const [file, json] = Object.entries(cm.data as Record<string, string>)[0];
      expect(file).toBe(`${cm.metadata.name.replace(/^dashboard-/, "")}.json`);
      expect(JSON.parse(json).uid).toBe(cm.metadata.name.replace(/^dashboard-/, ""));
    }
    const rules = all.filter((o) => o.kind === "PrometheusRule").map((o) => o.metadata.name);
    expect(rules.includes(COST_RULE_NAME)).toBe(costs);
    expect(rules).toHaveLength(costs ? 2 : 1);
    const sm = all.find((o) => o.kind === "ServiceMonitor" && o.metadata.name === "platform-services")!;
    expect(sm.spec).toEqual({
      namespaceSelector: { matchNames: [...PLATFORM_NAMESPACES] },
      selector: { matchLabels: { "mlops.platform/metrics": "true" } },
      endpoints: [{ port: "metrics", interval: "30s" }],
    });
  });

  it("stamps the platform's cost labels on the objects it authors", () => {
    for (const o of objs(content()))
      expect(o.metadata.labels, `${o.kind}/${o.metadata.name}`).toMatchObject({ team: "platform", "cost-center": p().config!.costCenter });
  });

  it("the GPU operator's DCGM exporter reads our collectors file and keeps the workload's labels", () => {
    const v = input<Record<string, any>>(one(p(), T.chart, "gpu-operator"), "values");
    expect(v.dcgmExporter.config).toEqual({ name: DCGM_METRICS_CONFIG_MAP });
    expect(v.dcgmExporter.env).toContainEqual({ name: "DCGM_EXPORTER_COLLECTORS", value: `/etc/dcgm-exporter/${DCGM_METRICS_FILE}` });
    expect(v.dcgmExporter.serviceMonitor).toMatchObject({ enabled: true, honorLabels: true });
    const base = objs(one(p(), T.configGroup, "gpu-operator-base"));
    const cm = base.find((o) => o.kind === "ConfigMap" && o.metadata.name === DCGM_METRICS_CONFIG_MAP)!;
    expect(Object.keys(cm.data)).toEqual([DCGM_METRICS_FILE]);
  });

  it("the GPU operator waits for Observability (its ServiceMonitor needs the CRDs)", () => {
    // A dependency on a component is recorded as dependencies on its children.
    expect(one(p(), "mlops:gpu:GpuOperator", "gpu-operator").dependsOn).toEqual(expect.arrayContaining([chart().urn, content().urn]));
  });

  it("the policy pack reports nothing against the kube-prometheus-stack chart or the monitoring objects", async () => {
    const env = stack === "prod" ? "prod" : "local";
    const violations = await runPolicies(p(), env);
    expect(violations.filter((v) => v.urn === chart().urn)).toEqual([]);
    expect(violations.filter((v) => v.policy === "k8s-exposure")).toEqual([]);
    const ours = [component(), ...childrenOf(p(), component())].map((r) => r.urn);
    expect(violations.filter((v) => ours.some((u) => v.urn.startsWith(u)))).toEqual([]);
  });

  it("…and the same check does report a chart with Grafana's default admin and anonymous access", async () => {
    const values = structuredClone(chart().inputs.values) as Record<string, any>;
    delete values.grafana.admin.existingSecret;
    values.grafana["grafana.ini"]["auth.anonymous"].enabled = true;
    const urn = `${chart().urn}-planted`;
    const plant = { type: T.chart, name: "planted", urn, props: { ...chart().inputs, values }, protect: false };
    const found = (await runPolicies(p(), stack === "prod" ? "prod" : "local", [plant])).filter((v) => v.urn === urn && v.policy === "k8s-exposure");
    expect(found.map((v) => v.message)).toEqual([expect.stringContaining("existing secret"), expect.stringContaining("anonymous access must be off")]);
  });
});
