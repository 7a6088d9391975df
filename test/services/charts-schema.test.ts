/** The objects we author for the MLOps services, part 3: service namespaces, the local bucket Job, component helpers, and every builder against the Kubernetes and CRD schemas. */
import { describe, it, expect } from "vitest";
import { cnpgObjects } from "../../charts/services/database-cnpg";
import { DATABASES_NAMESPACE, MASTER_SECRET, masterServiceTemplate } from "../../charts/services/database-setup";
import { CLUSTER_SECRET_STORE, clusterSecretStore, externalSecret, renderTemplate } from "../../charts/services/external-secrets";
import { objectStoreCredentialsTemplate } from "../../charts/services/secret-files";
import { feastClientObjects, feastNetworkPolicies, feastServiceMonitor, featureStore } from "../../charts/services/feast";
import { knativeServing, predictorPodMonitor } from "../../charts/services/kserve";
import { mlflowSecretTemplate } from "../../charts/services/mlflow";
import { namespaceObjects } from "../../charts/services/namespaces";
import { serviceNamespaces } from "../../components/services/index";
import { namespaceLabelsTransform } from "../../components/kubernetes/namespace-labels";
import { chartSource } from "../../components/kubernetes/upstream-chart";
import { bucketJobObjects, OBJECT_STORE_S3_ENDPOINT } from "../../components/storage/local-buckets";
import { serviceOptInLabel } from "../../domain/team-services";
import { CHARTS, POD_SECURITY_VERSION } from "../../domain/versions";
import { resolveServices } from "../../config/services";
import { validateObjects } from "../../scripts/plan/validate";
import {
  Obj,
  LABELS,
  DB,
  RDS_EGRESS,
  S3_EGRESS,
  GRANTS,
  mlflow,
  setup,
  redis,
  buckets,
  find,
  containersOf,
  envMap,
  AUTHORED,
  parseIni,
  expectObjectStoreCredentialsFile,
} from "./chart-fixtures";

describe("service namespaces", () => {
  const PSA = "pod-security.kubernetes.io/enforce";
  const all = resolveServices({ kserve: { mode: "serverless" } }, "prod", true);

  it("lists the namespaces the configuration needs", () => {
    expect(serviceNamespaces(all, true).map((n) => n.name)).toEqual([
      "external-secrets",
      "databases",
      "mlflow",
      "feast",
      "kserve",
      "knative-operator",
      "knative-serving",
      "evidently",
    ]);
    const local = resolveServices(undefined, "local", false);
    expect(serviceNamespaces(local, false).map((n) => n.name)).toEqual(["databases", "cnpg-system", "mlflow", "feast", "kserve", "evidently"]);
    const off = { enabled: false };
    expect(serviceNamespaces(resolveServices({ mlflow: off, feast: off, pipelines: off, evidently: off }, "dev", true), true).map((n) => n.name)).toEqual([
      "external-secrets",
      "kserve",
    ]);
    // cert-manager's namespace is the platform's cert-manager component's (components/cert-manager).
  });

  it("feast, knative-operator and knative-serving are baseline with a reason; every other namespace is restricted", () => {
    const objs = namespaceObjects(serviceNamespaces(all, true), LABELS) as Obj[];
    for (const ns of objs) {
      const name = ns.metadata!.name!;
      const labels = ns.metadata!.labels!;
      expect(labels["cost-center"]).toBe("platform");
      expect(labels["pod-security.kubernetes.io/warn"], name).toBe("restricted");
      expect(labels["pod-security.kubernetes.io/enforce-version"], name).toBe(POD_SECURITY_VERSION);
      if (["feast", "knative-operator", "knative-serving"].includes(name)) {
        expect(labels[PSA], name).toBe("baseline");
        expect(ns.metadata?.annotations?.["mlops.platform/pod-security-reason"]?.length ?? 0, name).toBeGreaterThan(20);
      } else {
        expect(labels[PSA], name).toBe("restricted");
        expect(ns.metadata?.annotations, name).toBeUndefined();
      }
    }
    expect(objs.find((o) => o.metadata?.name === "feast")?.metadata?.annotations?.["mlops.platform/pod-security-reason"]).toContain("Feast operator");
  });
});

describe("local buckets Job", () => {
  const job = () => find(buckets(), "Job");

  it("creates each data bucket only when missing", () => {
    const script = containersOf(job())[0].command[2] as string;
    expect(containersOf(job())[0].command.slice(0, 2)).toEqual(["/bin/sh", "-ec"]);
    expect(script.split("\n")).toEqual(
      ["datasets", "artifacts", "models"].map((b) => `aws s3api head-bucket --bucket ${b} 2>/dev/null || aws s3api create-bucket --bucket ${b}`),
    );
  });

  it("names the Job by the script's hash and runs in the given namespace against the in-cluster endpoint", () => {
    const j = job();
    expect(j.metadata?.name).toMatch(/^create-buckets-[0-9a-f]{8}$/);
    expect(j.metadata?.namespace).toBe("object-store");
    expect(bucketJobObjects("elsewhere")[0]).toMatchObject({ metadata: { name: j.metadata?.name, namespace: "elsewhere" } });
    const c = containersOf(j)[0];
    const env = envMap(c);
    expect(env.AWS_ENDPOINT_URL).toBe(OBJECT_STORE_S3_ENDPOINT);
  });

  it("reads the store's keys from the mounted credentials file, none from the environment", () => {
    const c = expectObjectStoreCredentialsFile(job());
    expect(c.env.some((e: any) => e.valueFrom)).toBe(false);
  });

  it("the credentials Secret's file is the AWS shared credentials format, profile default, beside the raw keys", () => {
    const keys = { AWS_ACCESS_KEY_ID: "AKIAEXAMPLEKEY000000", AWS_SECRET_ACCESS_KEY: "secretExample0000000000000000000000000000" };
    const s = renderTemplate(objectStoreCredentialsTemplate(), keys);
    expect(Object.keys(s).sort()).toEqual(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "credentials"]);
    expect(parseIni(s.credentials)).toEqual({ default: { aws_access_key_id: keys.AWS_ACCESS_KEY_ID, aws_secret_access_key: keys.AWS_SECRET_ACCESS_KEY } });
    expect(s.AWS_ACCESS_KEY_ID).toBe(keys.AWS_ACCESS_KEY_ID);
  });
});

describe("component helpers", () => {
  const transform = namespaceLabelsTransform({ a: "1", "pod-security.kubernetes.io/enforce": "restricted" });
  const args = (type: string, props: object) => ({ type, name: "n", props, opts: {} }) as any;

  it("namespaceLabelsTransform adds labels to Namespaces, over existing ones, keeping the rest of the object", () => {
    const out = transform(
      args("kubernetes:core/v1:Namespace", {
        metadata: { name: "kubeflow", labels: { keep: "x", "pod-security.kubernetes.io/enforce": "privileged" } },
        spec: {},
      }),
    ) as any;
    expect(out.props).toEqual({ metadata: { name: "kubeflow", labels: { keep: "x", a: "1", "pod-security.kubernetes.io/enforce": "restricted" } }, spec: {} });
    const bare = transform(args("kubernetes:core/v1:Namespace", {})) as any;
    expect(bare.props.metadata.labels).toEqual({ a: "1", "pod-security.kubernetes.io/enforce": "restricted" });
  });

  it("namespaceLabelsTransform leaves every other type alone", () => {
    expect(transform(args("kubernetes:apps/v1:Deployment", { metadata: { name: "d" } }))).toBeUndefined();
    expect(transform(args("kubernetes:core/v1:ConfigMap", { metadata: { name: "c" } }))).toBeUndefined();
  });

  it("chartSource puts OCI repositories into the chart reference and others into repositoryOpts", () => {
    expect(chartSource(CHARTS.kserveResources)).toEqual({ chart: "oci://ghcr.io/kserve/charts/kserve-resources" });
    expect(chartSource(CHARTS.certManager)).toEqual({ chart: "cert-manager", repositoryOpts: { repo: "https://charts.jetstack.io" } });
  });
});

describe("schema", () => {
  const everything = (): Obj[] => [
    ...mlflow(),
    ...AUTHORED["mlflow (local S3)"]().filter((o) => o.kind === "Deployment"),
    ...redis(),
    ...setup(),
    ...buckets(),
    ...(cnpgObjects({ instances: 3, storageGiB: 20, grants: GRANTS, labels: LABELS }) as Obj[]),
    ...(feastNetworkPolicies({ teams: ["recsys", "nlp-core"], egress: [RDS_EGRESS, ...S3_EGRESS], labels: LABELS }) as Obj[]),
    featureStore({ team: "nlp-core", oidc: { issuer: "https://idp.example.com", audience: "mlops-kubectl" }, labels: LABELS }) as Obj,
    feastClientObjects("nlp-core", LABELS) as Obj,
    feastServiceMonitor(LABELS) as Obj,
    knativeServing(LABELS) as Obj,
    predictorPodMonitor(LABELS) as Obj,
    externalSecret({
      name: "mlflow",
      namespace: "mlflow",
      storeName: CLUSTER_SECRET_STORE,
      remoteKey: "k",
      keys: ["password"],
      template: mlflowSecretTemplate(DB),
      labels: LABELS,
    }) as Obj,
    externalSecret({
      name: MASTER_SECRET,
      namespace: DATABASES_NAMESPACE,
      storeName: CLUSTER_SECRET_STORE,
      remoteKey: "arn",
      keys: ["username", "password"],
      template: masterServiceTemplate(),
    }) as Obj,
    clusterSecretStore("us-east-1", ["mlflow", "feast"], [serviceOptInLabel("evidently")]) as Obj,
    ...(namespaceObjects(serviceNamespaces(resolveServices({ kserve: { mode: "serverless" } }, "prod", true), true), LABELS) as Obj[]),
  ];

  it("validates every object against the schemas for Kubernetes 1.35 and the CRD packages", async () => {
    const objs = everything();
    expect(objs.map((o) => o.apiVersion.split("/")[0])).toEqual(
      expect.arrayContaining([
        "external-secrets.io",
        "postgresql.cnpg.io",
        "operator.knative.dev",
        "monitoring.coreos.com",
        "apps",
        "batch",
        "networking.k8s.io",
      ]),
    );
    expect(await validateObjects(objs, "1.35")).toEqual([]);
  });

  it("the schema check does catch a broken object of each CRD group", async () => {
    const es = externalSecret({ name: "x", namespace: "mlflow", storeName: "s", remoteKey: "k", keys: ["a"] }) as any;
    es.spec.data[0].remoteRef = "k";
    const cluster = find(cnpgObjects({ instances: 1, storageGiB: 5, grants: GRANTS }) as Obj[], "Cluster");
    cluster.spec.instances = "two";
    const ks = knativeServing() as any;
    ks.spec.ingress.kourier.enabled = "yes";
    const pm = predictorPodMonitor() as any;
    pm.spec.podMetricsEndpoints[0].portNumber = "8080";
    for (const broken of [es, cluster, ks, pm]) expect((await validateObjects([broken], "1.35")).length, broken.kind).toBeGreaterThan(0);
  });
});
