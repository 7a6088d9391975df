/**
 * The receivers' credentials under runtime mocks with known values: each reaches the Secret under its receiver's
 * name, and none reaches the chart's values or any other object. The offline plan masks them (component.plan.test.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ALERTMANAGER_RECEIVER_SECRET } from "../../charts/observability/alertmanager-config";
import { runUnderRuntimeMocks, type ProgramSeen } from "../helpers/runtime-mocks";
import { fixtureStackConfig } from "../helpers/stack";

const CREDENTIALS = {
  "platform-pager": "pd-routing-key-0123456789abcdef",
  "platform-slack": "https://hooks.example.com/services/platform-4711",
  "recsys-slack": "https://hooks.example.com/services/recsys-4712",
  "nlp-email": "smtp-password-4713",
};
const KEY = "mlops-platform:alertingSecrets";
let seen: ProgramSeen;

beforeAll(async () => {
  const stack = fixtureStackConfig("prod");
  const values = { ...stack.values, [KEY]: JSON.stringify(CREDENTIALS), "mlops-platform:accessClientSecret": "client-secret-4714" };
  seen = await runUnderRuntimeMocks("prod", values, [...stack.secretKeys, KEY, "mlops-platform:accessClientSecret"]);
}, 120_000);

describe("receiver credentials", () => {
  it("reach the receivers' Secret, one key per receiver", () => {
    const found = seen.secrets.filter((s) => s.name === ALERTMANAGER_RECEIVER_SECRET);
    expect(found.map((s) => s.namespace)).toEqual(["monitoring"]);
    expect(found[0].data).toEqual(CREDENTIALS);
  });

  it("reach no chart's values, no other Secret and no object of ours", () => {
    expect(seen.charts.length).toBeGreaterThan(0);
    const elsewhere = JSON.stringify([seen.charts, seen.objects, seen.secrets.filter((s) => s.name !== ALERTMANAGER_RECEIVER_SECRET)]);
    for (const value of Object.values(CREDENTIALS)) expect(elsewhere).not.toContain(value);
  });

  it("stay out of the resolved config", () => {
    const config = JSON.stringify(seen.config);
    for (const value of Object.values(CREDENTIALS)) expect(config).not.toContain(value);
  });
});
