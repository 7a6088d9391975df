/** Kubeflow Pipelines: the component under runtime mocks in both variants (existing cluster, EKS). */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { KFP_S3_SERVICE_ACCOUNTS } from "../../charts/services/pipelines";
import { Pipelines } from "../../components/services/pipelines";
import { overlayKustomization } from "../../components/services/pipelines/overlay";
import type { PolicyDocument } from "../../components/aws/iam";
import { planMocks } from "../../scripts/plan/mocks";
import { Recorder, type PlannedResource } from "../../scripts/plan/recorder";

/** A resource other components would provide (nodes, the secret store). */
class Stub extends pulumi.CustomResource {
  constructor(type: string, name: string) {
    super(type, name, {});
  }
}

const KFP_URL = (path: string) => `https://github.com/kubeflow/pipelines//manifests/kustomize/${path}?ref=2.17.0`;

describe("Pipelines component under mocks", () => {
  const resources: PlannedResource[] = [];
  const RDS_ADDRESS = "pipelines-mysql.abc.eu-west-1.rds.amazonaws.com";
  const MASTER_ARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-1";
  let overlayDir: string | undefined;

  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          const base = planMocks.newResource(args) as { id: string; state: Record<string, unknown> };
          if (args.type === "aws:rds/instance:Instance")
            return { id: base.id, state: { ...base.state, address: RDS_ADDRESS, masterUserSecrets: [{ secretArn: MASTER_ARN }] } };
          return base;
        },
        call: (args) => planMocks.call(args),
      },
      "mlops-platform",
      "test",
      false,
    );
    const recorder = new Recorder();
    recorder.attach();
    const store = new Stub("test:index:SecretStore", "store");
    const deps = new Stub("test:index:Nodes", "nodes");
    new Pipelines("pipelines-local", { labels: { team: "platform" }, dependsOn: [deps] });
    const eks = new Pipelines("pipelines", {
      labels: { team: "platform" },
      dependsOn: [deps],
      aws: {
        clusterName: "mlops-dev",
        eksClusterName: "mlops-dev-eks",
        accountId: "111122223333",
        region: "eu-west-1",
        vpcId: "vpc-1",
        subnetIds: ["subnet-a", "subnet-b"],
        clusterSecurityGroupId: "sg-cluster",
        kmsKeyArns: { s3: "arn:aws:kms:eu-west-1:111122223333:key/s3", databases: "arn:aws:kms:eu-west-1:111122223333:key/db" },
        database: { kind: "rds", instanceClass: "db.t4g.medium", storageGiB: 20, maxStorageGiB: 100, multiAz: false, backupRetentionDays: 7 },
        protect: false,
        backup: false,
        secretStoreName: "aws-secrets-manager",
        secretStore: store,
      },
    });
    await Recorder.settle();
    resources.push(...recorder.resources);
    expect(eks.namespace).toBe("kubeflow");
    const dir = resources.find((r) => r.type === "kubernetes:kustomize/v2:Directory" && r.name === "pipelines")?.inputs.directory;
    overlayDir = typeof dir === "string" ? dir : undefined;
  });

  const one = (type: string, name: string) => {
    const hits = resources.filter((r) => r.type === type && r.name === name);
    if (hits.length !== 1)
      throw new Error(
        `expected one ${type} ${name}, found ${hits.length}: ${resources
          .filter((r) => r.type === type)
          .map((r) => r.name)
          .join(", ")}`,
      );
    return hits[0];
  };
  const DIR = "kubernetes:kustomize/v2:Directory";
  const urnOf = (type: string, name: string) => one(type, name).urn;

  it("registers no URN twice", () => {
    const urns = resources.map((r) => r.urn);
    expect(new Set(urns).size).toBe(urns.length);
  });

  it("existing cluster: cluster-scoped-resources, then env/platform-agnostic, both by remote URL at 2.17.0", () => {
    const component = one("mlops:services:Pipelines", "pipelines-local");
    const children = resources
      .filter((r) => r.parent === component.urn)
      .map((r) => `${r.type} ${r.name}`)
      .sort();
    expect(children).toEqual([`${DIR} pipelines-local`, `${DIR} pipelines-local-cluster-scoped`]);
    const cs = one(DIR, "pipelines-local-cluster-scoped");
    expect(cs.inputs.directory).toBe(KFP_URL("cluster-scoped-resources"));
    expect(cs.dependsOn).toEqual([urnOf("test:index:Nodes", "nodes")]);
    const pa = one(DIR, "pipelines-local");
    expect(pa.inputs.directory).toBe(KFP_URL("env/platform-agnostic"));
    expect(pa.dependsOn).toEqual([cs.urn]);
  });

  it("EKS: database, role, one Pod Identity association per S3 client, KFP's credential, database objects and the overlay", () => {
    const component = one("mlops:services:Pipelines", "pipelines");
    const children = resources
      .filter((r) => r.parent === component.urn)
      .map((r) => `${r.type} ${r.name}`)
      .sort();
    expect(children).toEqual([
      "aws:eks/podIdentityAssociation:PodIdentityAssociation pipelines-ml-pipeline",
      "aws:eks/podIdentityAssociation:PodIdentityAssociation pipelines-ml-pipeline-ui",
      "aws:eks/podIdentityAssociation:PodIdentityAssociation pipelines-pipeline-runner",
      "aws:iam/role:Role pipelines",
      "aws:iam/rolePolicy:RolePolicy pipelines",
      "aws:secretsmanager/secret:Secret pipelines-database",
      "aws:secretsmanager/secretVersion:SecretVersion pipelines-database",
      `${DIR} pipelines`,
      `${DIR} pipelines-cluster-scoped`,
      "kubernetes:yaml/v2:ConfigGroup pipelines-database",
      "kubernetes:yaml/v2:ConfigGroup pipelines-database-sync",
      "mlops:services:ManagedDatabase pipelines-mysql",
      "random:index/randomPassword:RandomPassword pipelines-database",
    ]);
  });

  it("EKS: the database is RDS MySQL, TLS only, from the cluster security group", () => {
    const db = one("aws:rds/instance:Instance", "pipelines-mysql");
    expect(db.inputs).toMatchObject({
      engine: "mysql",
      engineVersion: "8.4",
      port: 3306,
      manageMasterUserPassword: true,
      publiclyAccessible: false,
      storageEncrypted: true,
      kmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/db",
    });
    const params = one("aws:rds/parameterGroup:ParameterGroup", "pipelines-mysql").inputs.parameters as { name: string; value: string }[];
    expect(params).toContainEqual(expect.objectContaining({ name: "require_secure_transport", value: "1" }));
  });

  it("EKS: the role is assumable by the three KFP service accounts only and reaches pipelines/ of the artifacts bucket", () => {
    const trust = JSON.parse(one("aws:iam/role:Role", "pipelines").inputs.assumeRolePolicy as string) as PolicyDocument;
    expect(trust.Statement[0].Condition).toEqual({
      StringEquals: {
        "aws:RequestTag/kubernetes-namespace": "kubeflow",
        "aws:RequestTag/kubernetes-service-account": ["ml-pipeline", "ml-pipeline-ui", "pipeline-runner"],
      },
    });
    const policy = JSON.parse(one("aws:iam/rolePolicy:RolePolicy", "pipelines").inputs.policy as string) as PolicyDocument;
    const objects = policy.Statement.find((s) => s.Sid === "OwnPrefixObjects")!;
    expect(objects.Resource).toBe("arn:aws:s3:::mlops-dev-artifacts-111122223333/pipelines/*");
    expect(policy.Statement.find((s) => s.Sid === "BucketKeyThroughS3")!.Resource).toBe("arn:aws:kms:eu-west-1:111122223333:key/s3");
    for (const sa of KFP_S3_SERVICE_ACCOUNTS) {
      expect(one("aws:eks/podIdentityAssociation:PodIdentityAssociation", `pipelines-${sa}`).inputs).toMatchObject({
        clusterName: "mlops-dev-eks",
        namespace: "kubeflow",
        serviceAccount: sa,
      });
    }
  });

  it("EKS: the alias Service, the master secret and the setup Job wait for the namespace, the store and KFP's credential", () => {
    const group = one("kubernetes:yaml/v2:ConfigGroup", "pipelines-database");
    const docs = (group.inputs.yaml as string).split("\n---\n").map((d) => JSON.parse(d));
    expect(docs.map((d) => `${d.kind} ${d.metadata.namespace}/${d.metadata.name}`.replace(/-[0-9a-f]{8}$/, ""))).toEqual([
      "Service kubeflow/kfp-mysql",
      "ExternalSecret databases/kfp-mysql-master",
      "Job databases/kfp-database-setup",
    ]);
    expect(docs[0].spec.externalName).toBe(RDS_ADDRESS);
    expect(docs[1].spec.data[0].remoteRef.key).toBe(MASTER_ARN);
    const sync = one("kubernetes:yaml/v2:ConfigGroup", "pipelines-database-sync");
    const synced = (sync.inputs.yaml as string).split("\n---\n").map((d) => JSON.parse(d));
    expect(synced.map((d) => `${d.kind} ${d.metadata.namespace}/${d.metadata.name}`)).toEqual([
      "ExternalSecret kubeflow/mysql-secret",
      "ExternalSecret kubeflow/metadata-grpc-mysql",
      "ExternalSecret databases/kfp-db",
    ]);
    expect(group.dependsOn).toEqual(
      expect.arrayContaining([
        urnOf(DIR, "pipelines-cluster-scoped"),
        urnOf("test:index:SecretStore", "store"),
        sync.urn,
        urnOf("aws:rds/instance:Instance", "pipelines-mysql"),
      ]),
    );
  });

  it("EKS: builds the overlay written for this stack, after the namespace, the database objects and the associations", () => {
    const dir = one(DIR, "pipelines");
    expect(overlayDir).toBeDefined();
    expect(existsSync(join(overlayDir!, "kustomization.yaml"))).toBe(true);
    expect(parse(readFileSync(join(overlayDir!, "kustomization.yaml"), "utf8"))).toEqual(
      overlayKustomization({ bucket: "mlops-dev-artifacts-111122223333", region: "eu-west-1" }),
    );
    expect(dir.dependsOn.sort()).toEqual(
      [
        urnOf(DIR, "pipelines-cluster-scoped"),
        urnOf("kubernetes:yaml/v2:ConfigGroup", "pipelines-database"),
        ...KFP_S3_SERVICE_ACCOUNTS.map((sa) => urnOf("aws:eks/podIdentityAssociation:PodIdentityAssociation", `pipelines-${sa}`)),
      ].sort(),
    );
    expect(one(DIR, "pipelines-cluster-scoped").inputs.directory).toBe(KFP_URL("cluster-scoped-resources"));
  });
});
