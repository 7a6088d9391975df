/**
 * Alert routing in the offline plan of the prod fixture: the receivers' credentials are one masked Secret in monitoring,
 * mounted through alertmanagerSpec.secrets, and the chart's values carry the generated config, which names only file
 * paths. The local fixture has no alerting section: no Secret, and every alert goes to the null receiver.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ALERTMANAGER_RECEIVER_SECRET, alertmanagerConfig } from "../../charts/observability/alertmanager-config";
import { MONITORING_NAMESPACE } from "../../charts/observability";
import type { PlanResult } from "../../scripts/plan/run";
import { input, one, plan, T } from "../components/plan-query";

const SECRET = "kubernetes:core/v1:Secret";
const plans: Record<string, PlanResult> = {};
beforeAll(async () => {
  plans.prod = await plan("prod");
  plans.local = await plan("local");
}, 120_000);

describe("alert routing (prod fixture)", () => {
  const secret = () => one(plans.prod, SECRET, "monitoring-alertmanager-receivers");
  const chart = () => one(plans.prod, T.chart, "monitoring");

  it("keeps every receiver's credential in one masked Secret of monitoring, key by receiver", () => {
    expect(secret().inputs).toMatchObject({ type: "Opaque", metadata: { name: ALERTMANAGER_RECEIVER_SECRET, namespace: MONITORING_NAMESPACE } });
    expect(secret().inputs.stringData).toEqual({
      "platform-pager": "[secret]",
      "platform-slack": "[secret]",
      "recsys-slack": "[secret]",
      "nlp-email": "[secret]",
    });
  });

  it("mounts it into Alertmanager, which starts after it", () => {
    expect(input(chart(), "values.alertmanager.alertmanagerSpec.secrets")).toEqual([ALERTMANAGER_RECEIVER_SECRET]);
    expect(chart().dependsOn).toContain(secret().urn);
  });

  it("passes the generated config whole, credentials as files only", () => {
    const config = plans.prod.config;
    expect(config).toBeDefined();
    if (!config) return;
    const values = input<Record<string, unknown>>(chart(), "values.alertmanager.config");
    expect(values).toEqual(JSON.parse(JSON.stringify(alertmanagerConfig({ alerting: config.alerting, teams: config.teams }))));
    expect(JSON.stringify(values)).not.toContain("[secret]");
    expect(JSON.stringify(values)).toContain(`/etc/alertmanager/secrets/${ALERTMANAGER_RECEIVER_SECRET}/platform-pager`);
  });
});

describe("no alerting section (local fixture)", () => {
  it("plans no Secret, mounts none, and drops every alert explicitly", () => {
    expect(plans.local.resources.filter((r) => r.type === SECRET && r.name.endsWith("alertmanager-receivers"))).toEqual([]);
    const chart = one(plans.local, T.chart, "monitoring");
    expect(input(chart, "values.alertmanager.alertmanagerSpec.secrets")).toEqual([]);
    expect(input(chart, "values.alertmanager.config.route.receiver")).toBe("null");
    expect(input(chart, "values.alertmanager.config.receivers")).toEqual([{ name: "null" }]);
  });
});
