/** The Kubernetes side of storage under the offline plan: classes, team volumes, and the local object store. */
import { sourceNamedVolume } from "../../charts/team-volumes";
import { describe, it, expect, beforeAll } from "vitest";
import { SNAPSHOT_CLASS, STORAGE_CLASSES } from "../../charts/storage";
import { OBJECT_STORE_NAMESPACE } from "../../components/storage";
import { CHARTS } from "../../domain/versions";
import { parseYamlStream } from "../../scripts/plan/extract";
import type { PlanResult } from "../../scripts/plan/run";
import { T, input, one, ofType, plan, type Res } from "../components/plan-query";

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [k: string]: any;
};
const objs = (group: Res) => parseYamlStream(group.inputs.yaml as string) as Obj[];

const plans: Record<string, PlanResult> = {};
beforeAll(async () => {
  plans.prod = await plan("prod");
  plans.dev = await plan("dev");
  plans.local = await plan("local");
});

describe.each([
  ["prod", "Retain"],
  ["dev", "Delete"],
])("storage classes (%s)", (stack, reclaim) => {
  const classes = () => objs(one(plans[stack], T.configGroup, "storage-classes"));
  const sc = (name: string) => classes().find((o) => o.kind === "StorageClass" && o.metadata.name === name)!;
  const ebsKey = `<computed:mlops-${stack}-ebs.arn>`;

  it("holds gp3, io2, efs and the snapshot class, nothing else", () => {
    expect(
      classes()
        .map((o) => `${o.kind}/${o.metadata.name}`)
        .sort(),
    ).toEqual(
      [
        `StorageClass/${STORAGE_CLASSES.gp3}`,
        `StorageClass/${STORAGE_CLASSES.io2}`,
        `StorageClass/${STORAGE_CLASSES.efs}`,
        `VolumeSnapshotClass/${SNAPSHOT_CLASS}`,
      ].sort(),
    );
  });

  it("has exactly one default class: gp3, encrypted with the ebs key, bound on first consumer", () => {
    const defaults = classes().filter((o) => o.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true");
    expect(defaults.map((o) => o.metadata.name)).toEqual(["gp3"]);
    expect(sc("gp3")).toMatchObject({
      provisioner: "ebs.csi.aws.com",
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
      reclaimPolicy: reclaim,
      parameters: { type: "gp3", encrypted: "true", kmsKeyId: ebsKey },
    });
  });

  it("io2 takes iopsPerGB from the config and the same key", () => {
    const iops = plans[stack].config!.storage.io2IopsPerGB;
    expect(iops).toBeDefined();
    expect(sc("io2")).toMatchObject({
      provisioner: "ebs.csi.aws.com",
      reclaimPolicy: reclaim,
      volumeBindingMode: "WaitForFirstConsumer",
      parameters: { type: "io2", iopsPerGB: String(iops), encrypted: "true", kmsKeyId: ebsKey },
    });
  });

  it("the efs class provisions access points on the platform's file system", () => {
    expect(sc("efs")).toMatchObject({
      provisioner: "efs.csi.aws.com",
      reclaimPolicy: reclaim,
      parameters: { provisioningMode: "efs-ap", fileSystemId: "<computed:storage-files.id>" },
    });
  });

  it("the VolumeSnapshotClass uses the EBS driver and the tier's deletion policy", () => {
    expect(classes().find((o) => o.kind === "VolumeSnapshotClass")).toMatchObject({
      apiVersion: "snapshot.storage.k8s.io/v1",
      driver: "ebs.csi.aws.com",
      deletionPolicy: reclaim,
    });
  });

  it("tags EBS volumes for backup only where backup is on", () => {
    for (const name of ["gp3", "io2"]) {
      if (stack === "prod") expect(sc(name).parameters.tagSpecification_1).toBe("mlops.platform/backup=true");
      else expect(Object.keys(sc(name).parameters).filter((k) => k.startsWith("tagSpecification"))).toEqual([]);
    }
  });
});

const fsxSource = (team: string) => ({
  driver: "fsx.csi.aws.com",
  volumeHandle: "<computed:storage-scratch.id>",
  volumeAttributes: { dnsname: "<computed:storage-scratch.dnsName>", mountname: `<computed:storage-scratch.mountName>/teams/${team}` },
});

describe.each(["prod", "dev"])("team volumes (%s)", (stack) => {
  const p = () => plans[stack];
  const group = () => one(p(), T.configGroup, "storage-team-volumes");
  const reclaim = stack === "prod" ? "Retain" : "Delete";

  it("is a child of Storage and depends on every team's namespace bundle", () => {
    expect(group().parent).toBe(one(p(), "mlops:storage:Storage", "storage").urn);
    const teams = one(p(), "mlops:teams:Teams", "teams");
    const bundles = p().config!.teams.map((t) => one(p(), T.configGroup, `teams-${t.name}`));
    expect(bundles.length).toBeGreaterThan(0);
    for (const b of bundles) expect(b.parent).toBe(teams.urn);
    for (const b of bundles) expect(group().dependsOn).toContain(b.urn);
  });

  it.each(["shared-files", "scratch"])("binds one %s PV to one claim per team", (claim) => {
    const all = objs(group());
    for (const team of p().config!.teams.map((t) => t.name)) {
      // A scratch volume is named after its source too (sourceNamedVolume): a new file system is a new volume.
      const pvName = claim === "shared-files" ? `efs-${team}` : sourceNamedVolume(`fsx-${team}`, fsxSource(team));
      const pv = all.find((o) => o.kind === "PersistentVolume" && o.metadata.name === pvName)!;
      const pvc = all.find((o) => o.kind === "PersistentVolumeClaim" && o.metadata.namespace === team && o.metadata.name === claim)!;
      expect(pv.spec).toMatchObject({
        claimRef: { namespace: team, name: claim },
        accessModes: ["ReadWriteMany"],
        storageClassName: "",
        persistentVolumeReclaimPolicy: reclaim,
        capacity: { storage: "1Gi" },
      });
      expect(pvc.spec).toMatchObject({ volumeName: pvName, storageClassName: "", accessModes: ["ReadWriteMany"], resources: { requests: { storage: "1Gi" } } });
      if (claim === "shared-files") {
        expect(pv.spec.csi).toEqual({ driver: "efs.csi.aws.com", volumeHandle: `<computed:storage-files.id>::<computed:storage-files-${team}.id>` });
      } else {
        // The team's directory only: a Lustre subdirectory mount of /teams/<team>.
        expect(pv.spec.csi).toEqual(fsxSource(team));
      }
    }
    expect(all.filter((o) => o.kind === "PersistentVolumeClaim" && o.metadata.name === claim)).toHaveLength(p().config!.teams.length);
  });
});

describe("schema", () => {
  it.each(["prod", "dev", "local"])("%s: no storage object fails the Kubernetes API schema, and URNs are unique", (stack) => {
    const p = plans[stack];
    const storageGroups = p.resources.filter((r) => r.type === T.configGroup && /^(storage|object-store)-/.test(r.name)).map((r) => r.urn);
    expect(storageGroups.length).toBeGreaterThan(0);
    const checked = p.objects.filter((o) => storageGroups.includes(o.source));
    expect(checked.length).toBeGreaterThan(0);
    expect(p.schemaProblems).toEqual([]);
    expect(p.duplicateUrns).toEqual([]);
  });
});

describe("object store on an existing cluster (local)", () => {
  const p = () => plans.local;

  it("deploys the catalogue's SeaweedFS chart with S3 auth and our identities secret", () => {
    const chart = one(p(), T.chart, "object-store");
    expect(chart.inputs).toMatchObject({
      chart: CHARTS.seaweedfs.chart,
      version: CHARTS.seaweedfs.version,
      repositoryOpts: { repo: CHARTS.seaweedfs.repo },
      namespace: OBJECT_STORE_NAMESPACE,
    });
    // The gateway's security context, logs and resources come from charts/values/seaweedfs.yaml; these three from the component.
    expect(input(chart, "values.s3")).toMatchObject({ enabled: true, enableAuth: true, existingConfigSecret: "s3-identities" });
    expect(chart.dependsOn).toContain(one(p(), "kubernetes:core/v1:Secret", "object-store-identities").urn);
  });

  it("generates keys for each identity (admin, MLflow, each team; Feast stores use their team's) and masks the identities secret in the plan", () => {
    const secret = one(p(), "kubernetes:core/v1:Secret", "object-store-identities");
    expect(secret.inputs.metadata).toMatchObject({ name: "s3-identities", namespace: OBJECT_STORE_NAMESPACE });
    expect(secret.inputs.stringData).toEqual({ seaweedfs_s3_config: "[secret]" });
    expect(JSON.stringify(secret.inputs)).not.toMatch(/accessKey|secretKey/);
    const keys = ofType(p(), "random:index/randomPassword:RandomPassword").filter((r) => r.name.startsWith("object-store-"));
    expect(keys.map((r) => r.name).sort()).toEqual(
      ["", "-mlflow", "-team-sandbox"].flatMap((id) => [`object-store${id}-access-key`, `object-store${id}-secret-key`]).sort(),
    );
  });

  it("keeps the store's keys for the bucket Job as an AWS credentials file beside the raw keys, masked, and the Job mounts the file", () => {
    const secret = one(p(), "kubernetes:core/v1:Secret", "object-store-credentials");
    expect(secret.inputs.metadata).toMatchObject({ name: "object-store-credentials", namespace: OBJECT_STORE_NAMESPACE });
    expect(secret.inputs.stringData).toEqual({ AWS_ACCESS_KEY_ID: "[secret]", AWS_SECRET_ACCESS_KEY: "[secret]", credentials: "[secret]" });
    const job = objs(one(p(), T.configGroup, "object-store-buckets")).find((o) => o.kind === "Job") as any;
    const pod = job.spec.template.spec;
    expect(pod.containers[0].env).toContainEqual({ name: "AWS_SHARED_CREDENTIALS_FILE", value: "/etc/object-store/credentials" });
    expect(pod.containers[0].env.filter((e: { valueFrom?: unknown }) => e.valueFrom)).toEqual([]);
    expect(pod.volumes).toContainEqual({
      name: "object-store-credentials",
      secret: { secretName: "object-store-credentials", defaultMode: 0o440, items: [{ key: "credentials", path: "credentials" }] },
    });
  });

  it("puts it in its own namespace enforcing Pod Security baseline", () => {
    const [ns] = objs(one(p(), T.configGroup, "object-store-namespace"));
    expect(ns).toMatchObject({
      kind: "Namespace",
      metadata: { name: OBJECT_STORE_NAMESPACE, labels: { "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted" } },
    });
  });

  it("creates no AWS resource and none of the EKS storage components", () => {
    expect(p().resources.filter((r) => r.type.startsWith("aws:") || r.type.startsWith("pulumi:providers:aws"))).toEqual([]);
    expect(
      p()
        .resources.filter((r) => r.type.startsWith("mlops:storage:"))
        .map((r) => r.type),
    ).toEqual(["mlops:storage:ObjectStore"]);
    expect(ofType(p(), T.configGroup).map((g) => g.name)).not.toContain("storage-classes");
  });

  it("EKS stacks have no object store", () => {
    for (const stack of ["prod", "dev"]) expect(plans[stack].resources.filter((r) => r.type === "mlops:storage:ObjectStore")).toEqual([]);
  });
});
