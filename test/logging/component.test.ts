/**
 * The Logging component in the offline plan: on EKS the groups (retention, the logs key, protection in prod), Fluent
 * Bit's role scoped to them, each team's read policy on its own group, and the chart; on an existing cluster the
 * destination and no AWS at all; off there without one.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { PolicyDocument } from "../../components/aws/iam";
import { LOGGING_NAMESPACE } from "../../domain/platform-namespaces";
import { CHARTS } from "../../domain/versions";
import { parseYamlStream } from "../../scripts/plan/extract";
import type { PlanResult } from "../../scripts/plan/run";
import { fixtureStackConfig } from "../helpers/stack";
import { T, childrenOf, input, one, ofType, plan, type Res } from "../components/plan-query";

const LOGGING = "mlops:logging:Logging";
const POLICY = "aws:iam/policy:Policy";
type Obj = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any };
const doc = (r: Res, key: string) => JSON.parse(r.inputs[key] as string) as PolicyDocument;
const arr = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const plans: Record<string, PlanResult> = {};
beforeAll(async () => {
  plans.dev = await plan("dev");
  plans.prod = await plan("prod");
  plans.local = await plan("local");
  const local = fixtureStackConfig("local");
  const destination = { kind: "loki", host: "loki.example.internal", tenant: "mlops" };
  plans.site = await plan("site", { ...local, values: { ...local.values, "mlops-platform:logging": JSON.stringify({ destination }) } });
}, 240_000);

const component = (stack: string) => one(plans[stack], LOGGING, "logging");
const mine = (stack: string, type: string) => ofType(plans[stack], type).filter((r) => r.parent === component(stack).urn);
const groups = (stack: string) => mine(stack, T.logGroup);
const namespaceObjects = (stack: string) => parseYamlStream(one(plans[stack], T.configGroup, "logging-namespace").inputs.yaml as string) as Obj[];
const teamsOf = (stack: string) => ["recsys", "nlp"].filter(() => stack === "dev" || stack === "prod");

describe("Logging on EKS", () => {
  it("one group per team and one for the platform, with the tier's retention and the logs key", () => {
    const dev = groups("dev");
    expect(dev.map((g) => g.inputs.name).sort()).toEqual(["/mlops/mlops-dev/platform", "/mlops/mlops-dev/teams/nlp", "/mlops/mlops-dev/teams/recsys"]);
    one(plans.dev, T.kmsKey, "mlops-dev-logs");
    for (const g of dev) {
      expect(g.inputs.retentionInDays).toBe(30);
      // The key's ARN is the cloud's: the plan shows it as computed from the logs key.
      expect(g.inputs.kmsKeyId).toEqual(expect.stringContaining("mlops-dev-logs"));
    }
  });

  it("tags: a team's group carries its team and cost center, the platform's group the platform's", () => {
    const byName = Object.fromEntries(groups("dev").map((g) => [g.inputs.name as string, g.inputs.tags]));
    expect(byName["/mlops/mlops-dev/teams/recsys"]).toMatchObject({ team: "recsys", "cost-center": "cc-4711" });
    expect(byName["/mlops/mlops-dev/teams/nlp"]).toMatchObject({ team: "nlp", "cost-center": "cc-4712" });
    expect(byName["/mlops/mlops-dev/platform"]).toMatchObject({ team: "platform", "cost-center": "ml-platform" });
  });

  it("prod: protected and retained like the other stateful resources, a year's retention", () => {
    const prod = groups("prod");
    expect(prod.length).toBeGreaterThan(1);
    for (const g of prod) {
      expect(g.inputs.retentionInDays).toBe(365);
      expect(g.protect).toBe(true);
      expect(g.retainOnDelete).toBe(true);
    }
    for (const g of groups("dev")) expect(g.protect).toBeFalsy();
  });

  it("Fluent Bit's role: Pod Identity for logging/fluent-bit, and only stream and event writes on the platform's groups", () => {
    const association = one(plans.dev, T.podIdentity, "logging-fluent-bit");
    expect(association.inputs).toMatchObject({ namespace: LOGGING_NAMESPACE, serviceAccount: "fluent-bit" });
    const policy = doc(one(plans.dev, T.rolePolicy, "logging-fluent-bit"), "policy");
    expect(policy.Statement).toHaveLength(1);
    const [statement] = policy.Statement;
    expect(statement.Action).toEqual(["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]);
    const names = groups("dev").map((g) => g.inputs.name as string);
    expect(arr(statement.Resource).sort()).toEqual(
      names
        .flatMap((n) => [`arn:aws:logs:us-east-1:<computed:account-id>:log-group:${n}`, `arn:aws:logs:us-east-1:<computed:account-id>:log-group:${n}:*`])
        .sort(),
    );
  });

  it("each team's read policy names its own group only, and is attached to its own team role", () => {
    const teams = teamsOf("dev");
    for (const team of teams) {
      const read = doc(one(plans.dev, POLICY, `logging-team-${team}-read`), "policy");
      const resources = read.Statement.flatMap((s) => arr(s.Resource)).filter((r) => r !== "*");
      expect(resources).toEqual([
        `arn:aws:logs:us-east-1:<computed:account-id>:log-group:/mlops/mlops-dev/teams/${team}`,
        `arn:aws:logs:us-east-1:<computed:account-id>:log-group:/mlops/mlops-dev/teams/${team}:*`,
      ]);
      // "*" only for what IAM cannot scope: the results of a query the team started.
      for (const s of read.Statement.filter((s) => arr(s.Resource).includes("*")))
        expect(arr(s.Action).sort()).toEqual(["logs:GetQueryResults", "logs:StopQuery"]);
      for (const other of teams.filter((t) => t !== team)) expect(JSON.stringify(read)).not.toContain(`teams/${other}`);
      const attachment = one(plans.dev, T.rpa, `logging-team-${team}-read`);
      expect(String(attachment.inputs.role)).toContain(`teams-${team}`);
    }
  });

  it("the chart: the catalogue's fluent-bit in logging, routes per team, waiting for the groups and the association", () => {
    const chart = one(plans.dev, T.chart, "fluent-bit");
    expect(chart.inputs).toMatchObject({ chart: CHARTS.fluentBit.chart, version: CHARTS.fluentBit.version, namespace: LOGGING_NAMESPACE });
    const outputs = input<string>(chart, "values.config.outputs");
    for (const team of teamsOf("dev")) expect(outputs).toContain(`log_group_name      /mlops/mlops-dev/teams/${team}`);
    const deps = chart.dependsOn;
    for (const g of groups("dev")) expect(deps).toContain(g.urn);
    expect(deps).toContain(one(plans.dev, T.podIdentity, "logging-fluent-bit").urn);
  });

  it("NetworkPolicies: default-deny, DNS, the API server, HTTPS out and the Pod Identity agent; Prometheus may scrape", () => {
    const names = namespaceObjects("dev")
      .filter((o) => o.kind === "NetworkPolicy")
      .map((o) => o.metadata.name);
    expect(names.sort()).toEqual([
      "allow-api-server",
      "allow-cloudwatch-logs",
      "allow-dns",
      "allow-pod-identity-agent",
      "allow-prometheus-scrape",
      "default-deny",
    ]);
  });
});

describe("Logging on an existing cluster", () => {
  it("is off without a destination", () => {
    expect(plans.local.resources.filter((r) => r.type === LOGGING)).toEqual([]);
  });

  it("with a destination: no AWS resource, the chart with one Loki output, egress to its port only", () => {
    const children = childrenOf(plans.site, component("site")).map((c) => c.type);
    expect(children.sort()).toEqual([T.chart, T.configGroup]);
    const outputs = input<string>(one(plans.site, T.chart, "fluent-bit"), "values.config.outputs");
    expect(outputs).toContain("Name        loki");
    expect(outputs).toContain("tenant_id   mlops");
    const policies = namespaceObjects("site").filter((o) => o.kind === "NetworkPolicy");
    expect(policies.map((p) => p.metadata.name)).not.toContain("allow-cloudwatch-logs");
    const destination = policies.find((p) => p.metadata.name === "allow-log-destination");
    expect(destination?.spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.0.0/16"] } }], ports: [{ protocol: "TCP", port: 443 }] },
    ]);
  });
});

describe("the logging namespace", () => {
  it.each(["dev", "site"])("%s: privileged (the fluent-bit-host-logs exception), labelled like the platform", (stack) => {
    const ns = namespaceObjects(stack).find((o) => o.kind === "Namespace");
    expect(ns?.metadata.name).toBe(LOGGING_NAMESPACE);
    expect(ns?.metadata.labels).toMatchObject({ "pod-security.kubernetes.io/enforce": "privileged", team: "platform" });
  });
});
