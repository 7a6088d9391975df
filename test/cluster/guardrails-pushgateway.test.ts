/**
 * The team's own Pushgateway (charts/services/drift/pushgateway.ts) on a real API server, with the isolation
 * fixture's namespaces and team roles: the team reads it but can neither change nor remove it, cannot put a pod of
 * its own behind its Service or in the drift scrape by copying its labels, and cannot make a Service the scrape
 * would select. The scrape sets `team` from the namespace (test/services/drift-pushgateway.test.ts); these are
 * the admission rules that keep what it scrapes the platform's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardrailPolicyName } from "../../charts/guardrails";
import { DRIFT_PUSHGATEWAY, DRIFT_PUSHGATEWAY_SELECTOR, MODEL_DRIFT_PUSHGATEWAY_POD_LABELS } from "../../charts/services/drift";
import { adminClient, eventually } from "./planned";
import { container, deployment, expectAdmitted, expectRefused, expectTypeCheckedDeny, member, object, pod, readyFixture } from "./fixtures";

const admin = adminClient();
const editor = member(admin, "vision", "edit");
const teamAdmin = member(admin, "vision", "admin");
const OWNED = /is managed by the platform \(app.kubernetes.io\/managed-by=mlops-platform\)/;
const RESERVED = /may not carry the platform's labels \(.*app.kubernetes.io\/name=model-drift-pushgateway/;

const gatewayDeployment = object("apps/v1", "Deployment", "vision", DRIFT_PUSHGATEWAY);
const gatewayService = object("v1", "Service", "vision", DRIFT_PUSHGATEWAY);
const forgedPod = (labels: Record<string, string>) => ({
  ...pod("vision", "forged-gateway"),
  metadata: { name: "forged-gateway", namespace: "vision", labels },
});

beforeAll(async () => {
  await readyFixture(admin);
  const enforcing = await eventually(
    async () => ((await editor.create(forgedPod({ ...MODEL_DRIFT_PUSHGATEWAY_POD_LABELS }), { dryRun: true })).status === 403 ? true : undefined),
    60,
  );
  if (!enforcing) throw new Error("the reserved-label rule was not enforced within 60 s of being applied");
});
afterAll(() => admin.close());

describe("the team's Pushgateway is the platform's", () => {
  it("the rules are on the server, type-checked without warnings and bound to Deny", async () => {
    for (const rule of ["platform-owned-objects", "team-reserved-pod-labels"]) await expectTypeCheckedDeny(admin, guardrailPolicyName(rule));
  });

  it("is planned into the fixture's team namespace: a Deployment and a Service labelled as the platform's", async () => {
    for (const target of [gatewayDeployment, gatewayService]) {
      const got = await admin.get(target);
      expect(got.status, target.kind).toBe(200);
      expect(got.body.metadata.labels, target.kind).toMatchObject(DRIFT_PUSHGATEWAY_SELECTOR);
    }
  });

  it.each([
    ["Deployment", gatewayDeployment],
    ["Service", gatewayService],
  ])("a team editor may read its %s", async (_kind, target) => {
    expect((await editor.get(target)).status).toBe(200);
  });

  it.each([
    ["Deployment", gatewayDeployment],
    ["Service", gatewayService],
  ])("a team editor and a team admin may neither change nor delete its %s", async (_kind, target) => {
    for (const who of [editor, teamAdmin]) {
      expectRefused(await who.mergePatch(target, { metadata: { annotations: { touched: "yes" } } }), OWNED);
      expectRefused(await who.remove(target), OWNED);
    }
  });

  it("a team editor cannot swap its image or point its Service at pods of the team's", async () => {
    const current = (await editor.get(gatewayDeployment)).body;
    current.spec.template.spec.containers[0].image = "registry.example.com/ml/fake-gateway:1.0";
    expectRefused(await editor.replace({ ...current, apiVersion: "apps/v1", kind: "Deployment" }), OWNED);
    expectRefused(await editor.mergePatch(gatewayService, { spec: { selector: { app: "mine" } } }), OWNED);
  });
});

describe("nothing of the team's joins it or the scrape", () => {
  it("refuses a team pod or workload carrying the Pushgateway's pod label, to an editor and an admin", async () => {
    for (const who of [editor, teamAdmin]) {
      expectRefused(await who.create(forgedPod({ ...MODEL_DRIFT_PUSHGATEWAY_POD_LABELS }), { dryRun: true }), RESERVED);
      const workload = deployment("vision", "forged-gateway", { containers: [container("main")] }, { ...MODEL_DRIFT_PUSHGATEWAY_POD_LABELS });
      expectRefused(await who.create(workload, { dryRun: true }), RESERVED);
    }
  });

  it("refuses a Service of the team's with the labels the drift scrape selects", async () => {
    const forged = object("v1", "Service", "vision", "forged-gateway", {
      metadata: { name: "forged-gateway", namespace: "vision", labels: { ...DRIFT_PUSHGATEWAY_SELECTOR } },
      spec: { selector: { app: "mine" }, ports: [{ name: "metrics", port: 9091 }] },
    });
    expectRefused(await editor.create(forged, { dryRun: true }), OWNED);
  });

  it("admits a team pod with a name label of its own (the control)", async () => {
    expectAdmitted(await editor.create(forgedPod({ "app.kubernetes.io/name": "my-pushgateway" }), { dryRun: true }));
  });
});
