/**
 * The inline-volume rule (mlops-team-inline-volumes) on a real API server, with the isolation fixture's namespaces
 * and team roles: a team cannot mount a shared file system by its id through an inline CSI volume, in a Pod or a
 * workload template, while its own claims, generic ephemeral volumes and other namespaces are left alone. The CSI
 * drivers do not run here: admission is what is shown, not a mount.
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import { guardrailPolicyName } from "../../charts/guardrails";
import { inlineVolumesRule } from "../../charts/guardrails/volumes";
import { SCRATCH_CLAIM } from "../../charts/team-volumes";
import { adminClient, eventually } from "./planned";
import { container, deployment, expectAdmitted, expectRefused, expectTypeCheckedDeny, member, object, pod, readyFixture } from "./fixtures";

const admin = adminClient();
const editor = member(admin, "vision", "edit");
const POLICY = guardrailPolicyName(inlineVolumesRule().name);
const MESSAGE = /inline CSI volumes are not allowed in team namespaces.*other-team \(fsx\.csi\.aws\.com\).*mount the team's claims/;

/** An inline volume naming a shared file system directly: what a team must not mount. */
const inline = { name: "other-team", csi: { driver: "fsx.csi.aws.com", volumeAttributes: { dnsname: "fs-0123.fsx.example.com", mountname: "abcdef" } } };
const mountSpec = (volume: Record<string, unknown>) => ({
  containers: [container("main", { volumeMounts: [{ name: volume.name, mountPath: "/data" }] })],
  volumes: [volume],
});

beforeAll(async () => {
  await readyFixture(admin);
  const enforcing = await eventually(
    async () => ((await editor.create(pod("vision", "probe", mountSpec(inline)), { dryRun: true })).status === 403 ? true : undefined),
    60,
  );
  if (!enforcing) throw new Error(`${POLICY} was not enforced within 60 s of being applied`);
});
afterAll(() => admin.close());

describe("inline CSI volumes in team namespaces", () => {
  it("the rule is on the server, type-checked without warnings and bound to Deny", async () => {
    await expectTypeCheckedDeny(admin, POLICY);
  });

  it("refuses a Pod that mounts a file system inline, naming the volume and its driver, to a team editor and to a cluster admin alike", async () => {
    expectRefused(await editor.create(pod("vision", "inline", mountSpec(inline)), { dryRun: true }), MESSAGE);
    expectRefused(await admin.create(pod("vision", "inline", mountSpec(inline)), { dryRun: true }), MESSAGE);
  });

  it("refuses a Deployment and a CronJob whose template does so, at creation", async () => {
    expectRefused(await editor.create(deployment("vision", "inline", mountSpec(inline)), { dryRun: true }), MESSAGE);
    const cronJob = object("batch/v1", "CronJob", "vision", "inline", {
      spec: { schedule: "0 * * * *", jobTemplate: { spec: { template: { spec: { restartPolicy: "Never", ...mountSpec(inline) } } } } },
    });
    expectRefused(await editor.create(cronJob, { dryRun: true }), MESSAGE);
  });

  it("admits the team's own claim and a generic ephemeral volume from a storage class (the controls)", async () => {
    expectAdmitted(
      await editor.create(pod("vision", "claim", mountSpec({ name: "scratch", persistentVolumeClaim: { claimName: SCRATCH_CLAIM } })), { dryRun: true }),
    );
    const ephemeral = {
      name: "work",
      ephemeral: { volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } } },
    };
    expectAdmitted(await editor.create(pod("vision", "ephemeral", mountSpec(ephemeral)), { dryRun: true }));
  });

  it("leaves namespaces that are not a team's alone", async () => {
    await admin.create(object("v1", "Namespace", undefined, "inline-volumes-elsewhere"));
    expectAdmitted(await admin.create(pod("inline-volumes-elsewhere", "inline", mountSpec(inline)), { dryRun: true }));
    await admin.remove(object("v1", "Namespace", undefined, "inline-volumes-elsewhere"));
  });
});
