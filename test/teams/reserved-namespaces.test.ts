/**
 * A team is a namespace named after the team, so no team may be named after a namespace the platform creates
 * or deploys into. The reserved list is PLATFORM_NAMESPACES (domain/platform-namespaces.ts); these tests
 * plan stacks with every optional piece on and check that every namespace the plan shows is on the list, and
 * that a team named after any entry is rejected.
 */
import { describe, it, expect, beforeAll } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { PLATFORM_NAMESPACES as FROM_MODULE } from "../../domain/platform-namespaces";
import { PLATFORM_NAMESPACES, PLATFORM_SERVICE_NAMES, PLATFORM_SERVICES } from "../../domain/team-services";
import { runPlan, type PlanResult } from "../../scripts/plan/run";
import { stackConfig, TODAY } from "../helpers/stack";
import { eksAccess, expectProblem, expectValid } from "../config/fixtures";

const PLATFORM_MESSAGE = "is reserved for the platform's own namespace";

/** `gpu`: GPU pool → share, or 0 for a team without GPUs. */
type GpuQuota = 0 | Readonly<Record<string, number>>;
const quota = (gpu: GpuQuota) => ({ cpu: "8", memory: "32Gi", gpu, storage: "100Gi", persistentVolumeClaims: 10, pods: 50 });
const ALL_SERVICES = ["mlflow", "feast", "pipelines", "kserve", "evidently"];

/** Teams: one with every service and a drift monitor, one with none. Their own namespaces are not the platform's. */
const teams = (gpu: GpuQuota) => [
  {
    name: "vision",
    costCenter: "cc-4800",
    owners: { admin: { groups: ["vision-leads"] }, edit: { groups: ["vision-engineers"] }, view: { groups: ["vision-analysts"] } },
    quota: quota(gpu),
    egress: { internetHttps: true, allow: [{ cidr: "10.40.0.0/16", ports: [5432], description: "warehouse" }] },
    services: ALL_SERVICES,
    modelMonitors: [{ name: "churn", reference: "churn/reference.parquet", current: "churn/current.parquet" }],
  },
  { name: "nlp", costCenter: "cc-4801", owners: { admin: { groups: ["nlp-leads"] } }, quota: quota(0) },
];

/** EKS with every optional piece: all services, serverless KServe, shared files, scratch, backup, GPU pools. */
const EKS_ALL = {
  environment: "dev",
  costCenter: "ml-platform",
  owner: "platform-team",
  aws: { region: "us-east-1", allowedAccountIds: ["111122223333"] },
  network: { vpcCidr: "10.10.0.0/16", availabilityZones: ["us-east-1a", "us-east-1b"] },
  cluster: { kind: "eks", name: "mlops-all", version: "1.35", admins: ["arn:aws:iam::111122223333:role/platform-admin"] },
  nodePools: [
    { name: "system", role: "system", instanceTypes: ["m6i.xlarge"], minSize: 2, maxSize: 3 },
    { name: "cpu", role: "cpu", instanceTypes: ["m6i.4xlarge"], minSize: 0, maxSize: 4 },
    { name: "gpu-shared", role: "gpu", instanceTypes: ["g5.xlarge"], minSize: 0, maxSize: 2, gpuSharing: { mode: "time-slicing", replicas: 2 } },
    { name: "gpu-mig", role: "gpu", instanceTypes: ["p4d.24xlarge"], minSize: 0, maxSize: 1, gpuSharing: { mode: "mig", profile: "all-1g.5gb" } },
  ],
  gpu: { migStrategy: "mixed" },
  storage: {
    sharedFiles: { enabled: true },
    scratch: { enabled: true },
    backup: { enabled: true },
  },
  services: {
    mlflow: { enabled: true },
    feast: { enabled: true },
    pipelines: { enabled: true },
    kserve: { enabled: true, mode: "serverless" },
    evidently: { enabled: true },
  },
  teams: teams({ "gpu-shared": 2, "gpu-mig": 8 }),
  // Team owner groups sign in to EKS through the company's IdP; the gateway's namespace comes with it.
  access: eksAccess(),
};

/** An existing cluster with every optional piece: the object store, all services, serverless KServe, the GPU operator. */
const EXISTING_ALL = {
  environment: "local",
  costCenter: "ml-platform",
  owner: "platform-team",
  cluster: { kind: "existing", name: "mlops-all", version: "1.35", context: "kind-mlops" },
  gpu: { enabled: true, driver: "operator", toolkit: "operator" },
  storage: { objectStore: { enabled: true } },
  services: {
    database: { instances: 1, storageGiB: 10 },
    mlflow: { enabled: true },
    feast: { enabled: true },
    pipelines: { enabled: true },
    kserve: { enabled: true, mode: "serverless" },
    evidently: { enabled: true },
  },
  teams: teams(0),
  // Dex (its namespace) and the gateway with a self-signed CA from cert-manager (ingress, cert-manager).
  access: { identityProvider: { kind: "dex" }, adminGroups: ["platform-admins"], domain: "mlops.localhost", tls: { issuer: "self-signed" } },
  // Fluent Bit (its namespace, logging) ships only with a destination on an existing cluster.
  logging: { destination: { kind: "forward", host: "aggregator.example.internal" } },
};

/**
 * Namespaces upstream charts put objects into besides their release namespace (the offline plan does not
 * render charts): kube-prometheus-stack's CoreDNS and kubelet scrape Services, cert-manager's leader election.
 */
const CHART_EXTRA_NAMESPACES: Readonly<Record<string, readonly string[]>> = {
  "kube-prometheus-stack": ["kube-system"],
  "cert-manager": ["kube-system"],
};

/**
 * The namespaces upstream manifests fetched at deploy time create or fill, by source (the offline plan does
 * not fetch them): the Feast operator's install.yaml (kustomize `namespace:` of its config/default) and
 * Kubeflow Pipelines' kustomizations. A new upstream manifest must be added here.
 */
const UPSTREAM_MANIFEST_NAMESPACES: readonly { readonly source: RegExp; readonly namespaces: readonly string[] }[] = [
  { source: /feast-dev\/feast\/.*\/infra\/feast-operator\/dist\/install\.yaml$/, namespaces: ["feast-operator-system"] },
  { source: /github\.com\/kubeflow\/pipelines\/\/manifests\/kustomize\//, namespaces: ["kubeflow"] },
];

type Found = Map<string, Set<string>>;

function add(found: Found, ns: unknown, why: string): void {
  if (typeof ns !== "string" || ns === "") return;
  if (!found.has(ns)) found.set(ns, new Set());
  found.get(ns)!.add(why);
}

/** Namespaces an object names anywhere inside: namespace selectors by name, and a ClusterSecretStore's namespace conditions. */
function referencedNamespaces(value: unknown, out: (ns: unknown) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) referencedNamespaces(v, out);
    return;
  }
  if (value === null || typeof value !== "object") return;
  for (const [key, v] of Object.entries(value)) {
    if (key === "namespaceSelector" && v && typeof v === "object") {
      const sel = v as { matchLabels?: Record<string, string>; matchNames?: string[] };
      out(sel.matchLabels?.["kubernetes.io/metadata.name"]);
      for (const n of sel.matchNames ?? []) out(n);
    }
    if (key === "conditions" && Array.isArray(v)) for (const c of v) for (const n of (c as { namespaces?: string[] }).namespaces ?? []) out(n);
    referencedNamespaces(v, out);
  }
}

/** Namespace-valued keys in chart values (namespaceOverride and the like); "" means the release namespace. */
function valuesNamespaces(value: unknown, out: (ns: unknown) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) valuesNamespaces(v, out);
    return;
  }
  if (value === null || typeof value !== "object") return;
  for (const [key, v] of Object.entries(value)) {
    if ((key === "namespace" || key === "namespaceOverride") && typeof v === "string") out(v);
    valuesNamespaces(v, out);
  }
}

/** Every namespace the plan shows, with where it was seen. */
function planNamespaces(r: PlanResult): Found {
  const found: Found = new Map();
  for (const { object } of r.objects) {
    if (object.kind === "Namespace") add(found, object.metadata?.name, "Namespace object");
    add(found, object.metadata?.namespace, `${object.kind} ${object.metadata?.name ?? ""}`);
    referencedNamespaces(object, (ns) => add(found, ns, `referenced by ${object.kind} ${object.metadata?.name ?? ""}`));
  }
  for (const c of r.charts) {
    add(found, c.namespace, `chart ${c.chart}`);
    valuesNamespaces(c.values, (ns) => add(found, ns, `values of chart ${c.chart}`));
    const name = c.chart.split("/").pop()!;
    for (const ns of CHART_EXTRA_NAMESPACES[name] ?? []) add(found, ns, `chart ${name} (upstream templates)`);
  }
  for (const m of r.manifests) {
    const known = UPSTREAM_MANIFEST_NAMESPACES.find((u) => u.source.test(m.source));
    const local = join(m.source, "kustomization.yaml");
    if (known) for (const ns of known.namespaces) add(found, ns, `upstream ${m.source}`);
    else if (existsSync(local)) add(found, (parse(readFileSync(local, "utf8")) as { namespace?: string }).namespace, `kustomization ${m.source}`);
    else throw new Error(`upstream manifest ${m.source}: which namespaces does it create? Add it to UPSTREAM_MANIFEST_NAMESPACES`);
  }
  // Resources outside Kubernetes that name a namespace (Pod Identity associations).
  for (const res of r.resources) if (!res.type.startsWith("kubernetes:")) add(found, (res.inputs as { namespace?: unknown }).namespace, res.type);
  return found;
}

const plans = new Map<string, { result: PlanResult; found: Found }>();

beforeAll(async () => {
  for (const [name, cfg] of [
    ["eks-all", EKS_ALL],
    ["existing-all", EXISTING_ALL],
  ] as const) {
    const result = await runPlan(name, { stackConfig: stackConfig(cfg), today: TODAY });
    plans.set(name, { result, found: planNamespaces(result) });
  }
});

describe("the reserved list", () => {
  it("is one list, re-exported where config/teams.ts reads it", () => {
    expect(PLATFORM_NAMESPACES).toBe(FROM_MODULE);
    expect(PLATFORM_NAMESPACES.length).toBeGreaterThan(10);
    expect(new Set(PLATFORM_NAMESPACES).size).toBe(PLATFORM_NAMESPACES.length);
  });

  it("holds the namespace of every service a team can opt into", () => {
    expect(PLATFORM_NAMESPACES).toEqual(expect.arrayContaining(PLATFORM_SERVICE_NAMES.map((s) => PLATFORM_SERVICES[s].namespace)));
  });

  it("names the namespaces the issue found open to teams", () => {
    expect(PLATFORM_NAMESPACES).toEqual(expect.arrayContaining(["node-exporter", "databases", "external-secrets", "knative-serving"]));
  });
});

describe.each(["eks-all", "existing-all"])("stack %s with every optional piece on", (name) => {
  it("plans cleanly", () => {
    const { result } = plans.get(name)!;
    expect(result.problems).toEqual([]);
    expect(result.schemaProblems).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it("uses only platform namespaces besides the teams' own", () => {
    const { result, found } = plans.get(name)!;
    const teamNames = new Set(result.config!.teams.map((t) => t.name));
    expect(teamNames.size).toBeGreaterThan(0);
    expect(found.size).toBeGreaterThan(teamNames.size);
    for (const t of teamNames) expect(found.has(t), `team namespace ${t}`).toBe(true);
    const missing = [...found].filter(([ns]) => !teamNames.has(ns) && !PLATFORM_NAMESPACES.includes(ns)).map(([ns, why]) => `${ns} (${[...why].join("; ")})`);
    expect(missing, "namespaces the platform uses that a team could take").toEqual([]);
  });
});

describe("the plans together", () => {
  const union = () => new Set([...plans.values()].flatMap((p) => [...p.found.keys()]));

  it("show the platform namespaces of every optional piece", () => {
    expect([...union()]).toEqual(
      expect.arrayContaining([
        "knative-serving",
        "knative-operator",
        "databases",
        "node-exporter",
        "external-secrets",
        "kube-system",
        "monitoring",
        "gpu-operator",
        "object-store",
        "cnpg-system",
        "cert-manager",
        "kserve",
        "kubeflow",
        "feast",
        "feast-operator-system",
        "mlflow",
        "evidently",
        "ingress",
        "dex",
      ]),
    );
  });

  it("account for every entry of the list but those reserved ahead of use", () => {
    const reservedAhead = ["default", "security-scan", "platform"];
    const unused = PLATFORM_NAMESPACES.filter((ns) => !union().has(ns) && !reservedAhead.includes(ns));
    expect(unused, "entries no plan uses: drop them or say why they are reserved").toEqual([]);
  });
});

describe("a team named after a platform namespace", () => {
  /** A compliant existing-cluster stack with every service, to rename its one team. */
  const stack = (teamName: string) => ({ ...EXISTING_ALL, teams: [{ ...EXISTING_ALL.teams[1], name: teamName }] });

  it("is accepted under a name of its own (the fixture is compliant)", () => {
    expectValid(stack("vision"));
  });

  it.each(PLATFORM_NAMESPACES.filter((ns) => !ns.startsWith("kube-")))("is rejected: %s", (ns) => {
    expectProblem(stack(ns), "teams[0].name", `"${ns}" ${PLATFORM_MESSAGE}`);
  });

  it.each(PLATFORM_NAMESPACES.filter((ns) => ns.startsWith("kube-")))("is rejected: %s (as every kube-* name)", (ns) => {
    expectProblem(stack(ns), "teams[0].name", "is reserved");
  });

  it.each(["node-exporter", "databases", "external-secrets", "knative-serving"])("is rejected: %s, named by the issue", (ns) => {
    expectProblem(stack(ns), "teams[0].name", PLATFORM_MESSAGE);
  });
});
