/**
 * The logging section's rules, one test per rule: a compliant fixture stack validates, then one field is broken and
 * exactly that rule answers at its path. Then the defaults per cluster kind and tier.
 */
import { describe, it, expect } from "vitest";
import { resolveDestination, resolveLogging } from "../../config/logging";
import { TIER_DEFAULTS } from "../../config/defaults";
import { expectProblem, expectValid, fixture, validate } from "../config/fixtures";

const LOKI = { kind: "loki", host: "loki.example.internal", tenant: "mlops" };

describe("logging: where each part applies", () => {
  it("refuses a destination on EKS (CloudWatch Logs there)", () => {
    const cfg = fixture("prod");
    cfg.logging = { retentionDays: 400 };
    expectValid(cfg);
    cfg.logging.destination = LOKI;
    expectProblem(cfg, "logging.destination", "is for existing clusters; on EKS container logs go to CloudWatch Logs");
  });

  it("refuses CloudWatch's retention on an existing cluster", () => {
    const cfg = fixture("local");
    cfg.logging = { destination: LOKI };
    expectValid(cfg);
    cfg.logging.retentionDays = 30;
    expectProblem(cfg, "logging.retentionDays", "is CloudWatch Logs' retention (EKS only)");
  });

  it("needs a destination to turn logging on in an existing cluster", () => {
    const cfg = fixture("local");
    cfg.logging = { enabled: true, destination: { kind: "forward", host: "fluentd.logging.example" } };
    expectValid(cfg);
    delete cfg.logging.destination;
    expectProblem(cfg, "logging.destination", "is required to ship logs from an existing cluster");
  });

  it("refuses a destination without TLS in prod", () => {
    const cfg = fixture("local");
    cfg.environment = "prod";
    // A prod fixture on an existing cluster breaks other prod rules too: only this path is judged.
    cfg.logging = { destination: { kind: "opensearch", host: "search.example.internal", tls: true } };
    const result = validate(cfg);
    expect(result.ok ? [] : result.problems.filter((problem) => problem.path.startsWith("logging"))).toEqual([]);
    cfg.logging.destination.tls = false;
    expectProblem(cfg, "logging.destination.tls", "is off, which sends prod's container logs unencrypted");
  });

  it("accepts a destination without TLS outside prod", () => {
    const cfg = fixture("local");
    cfg.logging = { destination: { kind: "loki", host: "loki.logging.svc", tls: false } };
    expectValid(cfg);
  });
});

describe("logging: field rules", () => {
  it("refuses a host with a scheme or a path", () => {
    const cfg = fixture("local");
    cfg.logging = { destination: { kind: "forward", host: "https://fluentd.example/" } };
    expectProblem(cfg, "logging.destination.host", "is not a host name or IP address");
  });

  it("refuses an OpenSearch index name OpenSearch would refuse", () => {
    const cfg = fixture("local");
    cfg.logging = { destination: { kind: "opensearch", host: "search.example", index: "Logs" } };
    expectProblem(cfg, "logging.destination.index", "is not an OpenSearch index name");
  });

  it("refuses a retention CloudWatch Logs does not offer", () => {
    const cfg = fixture("prod");
    cfg.logging = { retentionDays: 100 };
    expectProblem(cfg, "logging.retentionDays", "is not a CloudWatch Logs retention period");
  });

  it("refuses an unknown key of a destination", () => {
    const cfg = fixture("local");
    cfg.logging = { destination: { ...LOKI, path: "/loki/api/v1/push" } };
    expectProblem(cfg, "logging.destination.path", "unknown key");
  });

  it("takes no credential in the stack file: a destination password is a leaked secret", () => {
    const cfg = fixture("local");
    cfg.logging = { destination: { ...LOKI, password: "hunter2" } };
    expectProblem(cfg, "logging.destination.password", "looks like a secret, and no setting of this program takes one");
  });
});

describe("logging: defaults", () => {
  it("on EKS: on, with the tier's retention, which follows the control-plane logs'", () => {
    for (const tier of ["dev", "staging", "prod"] as const) {
      const days = TIER_DEFAULTS[tier].containerLogRetentionDays;
      expect(days).toBe(TIER_DEFAULTS[tier].clusterLogRetentionDays);
      expect(resolveLogging(undefined, days, true)).toEqual({ enabled: true, sink: { kind: "cloudwatch", retentionDays: days } });
    }
    expect(resolveLogging({ retentionDays: 60 }, 30, true).sink).toEqual({ kind: "cloudwatch", retentionDays: 60 });
    expect(resolveLogging({ enabled: false }, 30, true)).toEqual({ enabled: false });
  });

  it("on an existing cluster: off without a destination, on with one, off when switched off", () => {
    expect(resolveLogging(undefined, 7, false)).toEqual({ enabled: false });
    expect(resolveLogging({ destination: { kind: "forward", host: "agg" } }, 7, false)).toEqual({
      enabled: true,
      sink: { kind: "site", destination: { kind: "forward", host: "agg", port: 24224, tls: true } },
    });
    expect(resolveLogging({ enabled: false, destination: { kind: "forward", host: "agg" } }, 7, false)).toEqual({ enabled: false });
  });

  it("destination ports follow TLS where the protocol has two (Loki, OpenSearch)", () => {
    expect(resolveDestination({ kind: "loki", host: "l" })).toEqual({ kind: "loki", host: "l", port: 443, tls: true, tenant: undefined });
    expect(resolveDestination({ kind: "loki", host: "l", tls: false }).port).toBe(3100);
    expect(resolveDestination({ kind: "opensearch", host: "o" })).toEqual({ kind: "opensearch", host: "o", port: 443, tls: true, index: "mlops-logs" });
    expect(resolveDestination({ kind: "opensearch", host: "o", tls: false }).port).toBe(9200);
    expect(resolveDestination({ kind: "forward", host: "f", port: 24240 }).port).toBe(24240);
  });
});
