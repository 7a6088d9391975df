/** Shared files (EFS), scratch (FSx for Lustre), AWS Backup and the storage add-ons under the offline plan. */
import { describe, it, expect, beforeAll } from "vitest";
import { ebsCsiKeyPolicy } from "../../components/cluster/workload-addons";
import { BACKUP_TAG, LUSTRE_PORTS, teamAccessPoint } from "../../components/storage";
import { dataBucketName } from "../../domain/storage-naming";
import type { PlanResult } from "../../scripts/plan/run";
import { T, childrenOf, input, one, ofType, plan } from "../components/plan-query";

const R = {
  efs: "aws:efs/fileSystem:FileSystem",
  efsBackup: "aws:efs/backupPolicy:BackupPolicy",
  mountTarget: "aws:efs/mountTarget:MountTarget",
  accessPoint: "aws:efs/accessPoint:AccessPoint",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  lustre: "aws:fsx/lustreFileSystem:LustreFileSystem",
  dra: "aws:fsx/dataRepositoryAssociation:DataRepositoryAssociation",
  vault: "aws:backup/vault:Vault",
  backupPlan: "aws:backup/plan:Plan",
  selection: "aws:backup/selection:Selection",
} as const;

const plans: Record<string, PlanResult> = {};
beforeAll(async () => {
  plans.prod = await plan("prod");
  plans.dev = await plan("dev");
});

describe.each(["prod", "dev"])("SharedFiles on EFS (%s)", (stack) => {
  const p = () => plans[stack];
  const cluster = `mlops-${stack}`;
  const clusterSg = `<computed:${cluster}.clusterSecurityGroupId>`;

  it("is encrypted with the files key, elastic, tagged for backup, with its backup policy ENABLED", () => {
    const fs = one(p(), R.efs, "storage-files");
    expect(fs.inputs).toMatchObject({
      encrypted: true,
      kmsKeyId: `<computed:${cluster}-files.arn>`,
      throughputMode: "elastic",
      performanceMode: "generalPurpose",
    });
    expect(input(fs, "tags")).toMatchObject({ [BACKUP_TAG.key]: BACKUP_TAG.value });
    expect(one(p(), R.efsBackup, "storage-files").inputs).toEqual({ fileSystemId: "<computed:storage-files.id>", backupPolicy: { status: "ENABLED" } });
    expect(fs.protect).toBe(stack === "prod");
  });

  it("has one mount target per private subnet, each behind the NFS security group", () => {
    const privateSubnets = ofType(p(), T.subnet).filter((s) => s.name.startsWith(`${cluster}-private-`));
    const targets = ofType(p(), R.mountTarget);
    expect(privateSubnets.length).toBeGreaterThan(0);
    expect(targets).toHaveLength(privateSubnets.length);
    expect(targets.map((t) => t.inputs.subnetId).sort()).toEqual(privateSubnets.map((s) => `<computed:${s.name}.id>`).sort());
    for (const t of targets)
      expect(t.inputs).toMatchObject({ fileSystemId: "<computed:storage-files.id>", securityGroups: ["<computed:storage-files-nfs.id>"] });
  });

  it("allows NFS (2049/tcp) only from the cluster security group, and no egress", () => {
    const sg = one(p(), R.sg, "storage-files-nfs");
    expect(sg.inputs.egress).toEqual([]);
    const rules = ofType(p(), R.ingress).filter((r) => r.inputs.securityGroupId === "<computed:storage-files-nfs.id>");
    expect(rules).toHaveLength(1);
    expect(rules[0].inputs).toMatchObject({ referencedSecurityGroupId: clusterSg, ipProtocol: "tcp", fromPort: 2049, toPort: 2049 });
    expect(rules[0].inputs.cidrIpv4).toBeUndefined();
  });

  it("has one access point per team, with the team's own root and POSIX identity", () => {
    const teams = p().config!.teams.map((t) => t.name);
    const aps = ofType(p(), R.accessPoint);
    expect(aps.map((a) => a.name).sort()).toEqual(teams.map((t) => `storage-files-${t}`).sort());
    for (const team of teams) {
      const ap = one(p(), R.accessPoint, `storage-files-${team}`);
      expect(ap.inputs).toMatchObject({ fileSystemId: "<computed:storage-files.id>", ...teamAccessPoint(team), tags: { team } });
    }
  });
});

describe("Scratch on FSx for Lustre", () => {
  const teamPath = (stack: string, team: string, prefix: string) =>
    `s3://${dataBucketName(`mlops-${stack}`, "datasets", "<computed:account-id>")}/teams/${team}/${prefix}`;

  it("dev: SCRATCH_2 with no file-system-wide import or export path, no customer key", () => {
    const fs = one(plans.dev, R.lustre, "storage-scratch");
    expect(fs.inputs).toMatchObject({ deploymentType: "SCRATCH_2", storageCapacity: 1200 });
    for (const key of ["importPath", "exportPath", "autoImportPolicy", "kmsKeyId", "perUnitStorageThroughput"]) expect(fs.inputs[key], key).toBeUndefined();
    expect(ofType(plans.dev, R.lustre)).toHaveLength(1);
    expect(fs.protect).toBe(false);
  });

  it("prod: PERSISTENT_2 with the files key, 250 MB/s/TiB, automatic backups, protected", () => {
    const fs = one(plans.prod, R.lustre, "storage-scratch");
    expect(fs.inputs).toMatchObject({
      deploymentType: "PERSISTENT_2",
      storageCapacity: 2400,
      kmsKeyId: "<computed:mlops-prod-files.arn>",
      perUnitStorageThroughput: 250,
    });
    expect(fs.inputs.automaticBackupRetentionDays).toBeGreaterThan(0);
    expect(fs.inputs.importPath).toBeUndefined();
    expect(fs.inputs.exportPath).toBeUndefined();
    expect(fs.protect).toBe(true);
    expect(fs.retainOnDelete).toBe(true);
  });

  it.each([
    ["prod", "lustre/"],
    ["dev", "scratch/"],
  ])("%s: one association per team links its directory both ways to its own prefix only", (stack, prefix) => {
    const p = plans[stack];
    const teams = p.config!.teams.map((t) => t.name);
    const dras = ofType(p, R.dra);
    expect(teams.length).toBeGreaterThan(1);
    expect(dras.map((d) => d.name).sort()).toEqual(teams.map((t) => `storage-scratch-${t}`).sort());
    const events = ["NEW", "CHANGED", "DELETED"];
    for (const team of teams) {
      const dra = one(p, R.dra, `storage-scratch-${team}`);
      expect(dra.inputs).toMatchObject({
        fileSystemId: "<computed:storage-scratch.id>",
        fileSystemPath: `/teams/${team}`,
        dataRepositoryPath: teamPath(stack, team, prefix),
        batchImportMetaDataOnCreate: true,
        s3: { autoImportPolicy: { events }, autoExportPolicy: { events } },
      });
      // Team A's link never names team B's directory or prefix.
      for (const other of teams.filter((t) => t !== team)) expect(JSON.stringify(dra.inputs)).not.toContain(`/teams/${other}`);
    }
  });

  it.each(["prod", "dev"])("%s: Lustre ports 988 and 1018-1023 only from the cluster SG and between file servers", (stack) => {
    const p = plans[stack];
    const sgId = "<computed:storage-scratch-lustre.id>";
    const rules = ofType(p, R.ingress).filter((r) => r.inputs.securityGroupId === sgId);
    expect(LUSTRE_PORTS).toEqual([
      [988, 988],
      [1018, 1023],
    ]);
    for (const [from, to] of LUSTRE_PORTS) {
      expect(one(p, R.ingress, `storage-scratch-clients-${from}`).inputs).toMatchObject({
        securityGroupId: sgId,
        referencedSecurityGroupId: `<computed:mlops-${stack}.clusterSecurityGroupId>`,
        ipProtocol: "tcp",
        fromPort: from,
        toPort: to,
      });
      expect(one(p, R.ingress, `storage-scratch-servers-${from}`).inputs).toMatchObject({ referencedSecurityGroupId: sgId, fromPort: from, toPort: to });
    }
    expect(rules).toHaveLength(4);
    for (const r of rules) expect(r.inputs.cidrIpv4).toBeUndefined();
  });
});

describe("AWS Backup", () => {
  it("prod: a KMS vault, a daily plan with the configured retention, and a selection by backup tag", () => {
    const backup = one(plans.prod, "mlops:storage:Backup", "storage-backup");
    expect(
      childrenOf(plans.prod, backup)
        .map((c) => c.type)
        .sort(),
    ).toEqual([R.backupPlan, R.selection, R.vault, R.vault, T.role, T.rpa, T.rpa].sort()); // the second vault: the copy (recovery.plan.test.ts)
    const vault = one(plans.prod, R.vault, "storage-backup");
    expect(vault.inputs.kmsKeyArn).toBe("<computed:mlops-prod-backup.arn>");
    expect(vault.protect).toBe(true);
    const cfg = plans.prod.config!.storage.backup;
    expect(input(one(plans.prod, R.backupPlan, "storage-backup"), "rules")).toEqual([
      {
        ruleName: "daily",
        targetVaultName: "<computed:storage-backup.name>",
        schedule: cfg.schedule,
        lifecycle: { deleteAfter: cfg.retentionDays },
        copyActions: [{ destinationVaultArn: "<computed:storage-backup-copy.arn>", lifecycle: { deleteAfter: cfg.retentionDays } }],
      },
    ]);
    expect(one(plans.prod, R.selection, "storage-backup").inputs).toMatchObject({
      planId: "<computed:storage-backup.id>",
      selectionTags: [{ type: "STRINGEQUALS", key: "mlops.platform/backup", value: "true" }],
    });
  });

  it("dev: no backup resources at all", () => {
    for (const type of [R.vault, R.backupPlan, R.selection]) expect(ofType(plans.dev, type)).toEqual([]);
    expect(plans.dev.resources.filter((r) => r.type === "mlops:storage:Backup")).toEqual([]);
  });
});

describe.each(["prod", "dev"])("storage add-ons (%s)", (stack) => {
  const p = () => plans[stack];
  const prefix = `mlops-${stack}-addons`;

  it("installs the EFS CSI driver with a Pod Identity role holding AmazonEFSCSIDriverPolicy", () => {
    const addon = one(p(), T.addon, `${prefix}-aws-efs-csi-driver`);
    expect(addon.inputs.podIdentityAssociations).toEqual([{ roleArn: `<computed:${prefix}-aws-efs-csi-driver.arn>`, serviceAccount: "efs-csi-controller-sa" }]);
    const role = one(p(), T.role, `${prefix}-aws-efs-csi-driver`);
    expect(JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0].Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
    expect(one(p(), T.rpa, `${prefix}-aws-efs-csi-driver`).inputs).toEqual({
      role: `<computed:${prefix}-aws-efs-csi-driver.name>`,
      policyArn: "arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy",
    });
  });

  it("installs the FSx CSI driver and the snapshot controller", () => {
    expect(one(p(), T.addon, `${prefix}-aws-fsx-csi-driver`).inputs.addonName).toBe("aws-fsx-csi-driver");
    expect(one(p(), T.addon, `${prefix}-snapshot-controller`).inputs.addonName).toBe("snapshot-controller");
  });

  it("gives the EBS CSI role exactly the key policy for the ebs key", () => {
    const rp = one(p(), T.rolePolicy, `${prefix}-aws-ebs-csi-driver-kms`);
    expect(rp.inputs.role).toBe(`<computed:${prefix}-aws-ebs-csi-driver.id>`);
    expect(JSON.parse(rp.inputs.policy as string)).toEqual(ebsCsiKeyPolicy(`<computed:mlops-${stack}-ebs.arn>`));
  });
});
