/**
 * The observability section's rules, one test per rule: a compliant fixture validates, then one field is broken and
 * exactly that rule answers at its path. Then the remote-write password key, and the tier defaults.
 */
import { describe, expect, it } from "vitest";
import { validateConfig } from "../../config/loader";
import { defaultRetentionSize, OBSERVABILITY_DEFAULTS, resolveObservability, retentionSizeBytes } from "../../config/observability";
import { SET_REMOTE_WRITE_PASSWORD_COMMAND } from "../../config/remote-write-secret";
import { expectProblem, expectValid, fixture, problemsOf, validate, type Cfg } from "../config/fixtures";
import { rawConfig, TODAY } from "../helpers/stack";

const WORKSPACE = "arn:aws:aps:us-east-1:111122223333:workspace/ws-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
const ENDPOINT = { kind: "endpoint", url: "https://mimir.example.com/api/v1/push", basicAuth: { username: "platform" } };
const withPrometheus = (cfg: Cfg, prometheus: Cfg): Cfg => ({ ...cfg, observability: { prometheus } });

describe("observability: field rules", () => {
  it("takes Prometheus durations and refuses others, and 0", () => {
    expectValid(withPrometheus(fixture("dev"), { retention: "2w3d" }));
    expectProblem(withPrometheus(fixture("dev"), { retention: "15 days" }), "observability.prometheus.retention", "is not a duration such as 15d");
    expectProblem(withPrometheus(fixture("dev"), { retention: "0d" }), "observability.prometheus.retention", "must be longer than 0");
  });

  it("takes Alertmanager's hour-based retention only", () => {
    const cfg = fixture("dev");
    cfg.observability = { alertmanager: { retention: "240h" } };
    expectValid(cfg);
    cfg.observability.alertmanager.retention = "10d";
    expectProblem(cfg, "observability.alertmanager.retention", "is not a duration such as 120h");
  });

  it("takes 1 to 5 replicas", () => {
    expectValid(withPrometheus(fixture("dev"), { replicas: 3 }));
    expectProblem(withPrometheus(fixture("dev"), { replicas: 0 }), "observability.prometheus.replicas", "0 is below the minimum 1");
  });

  it("remote-writes to HTTPS only", () => {
    expectValid(withPrometheus(fixture("local"), { remoteWrite: { kind: "endpoint", url: "https://mimir.example.com/api/v1/push" } }));
    expectProblem(
      withPrometheus(fixture("local"), { remoteWrite: { kind: "endpoint", url: "http://mimir.example.com/api/v1/push" } }),
      "observability.prometheus.remoteWrite.url",
      "must be an https:// URL: remote write sends every series and label, so never in clear",
    );
  });

  it("names an AMP workspace by create or its ARN", () => {
    expectValid(withPrometheus(fixture("prod"), { remoteWrite: { kind: "amp", workspace: WORKSPACE } }));
    expectProblem(
      withPrometheus(fixture("prod"), { remoteWrite: { kind: "amp", workspace: "ws-0a1b2c3d" } }),
      "observability.prometheus.remoteWrite.workspace",
      'is neither "create" nor an Amazon Managed Service for Prometheus workspace ARN',
    );
  });
});

describe("observability: rules across fields", () => {
  it("keeps the size limit within 85 % of the volume, the tier's default volume included", () => {
    expectValid(withPrometheus(fixture("dev"), { storage: { size: "100Gi" }, retentionSize: "85GiB" }));
    expectProblem(
      withPrometheus(fixture("dev"), { storage: { size: "100Gi" }, retentionSize: "90GiB" }),
      "observability.prometheus.retentionSize",
      "90GiB does not fit the 100Gi volume: keep it at most 85 % of the volume (85Gi), since compaction and the write-ahead log need the rest, or grow observability.prometheus.storage.size",
    );
    expectProblem(
      withPrometheus(fixture("dev"), { retentionSize: "20GiB" }),
      "observability.prometheus.retentionSize",
      "20GiB does not fit the 20Gi volume (the dev default)",
    );
    expectProblem(withPrometheus(fixture("dev"), { retentionSize: "0B" }), "observability.prometheus.retentionSize", "must be above 0");
  });

  it("refuses volumes below EBS's 1Gi", () => {
    const cfg = fixture("dev");
    cfg.observability = { alertmanager: { storage: { size: "1Gi" } } };
    expectValid(cfg);
    cfg.observability.alertmanager.storage.size = "500Mi";
    expectProblem(cfg, "observability.alertmanager.storage.size", "is below 1Gi, the smallest volume a claim gets on EBS");
  });

  it("on EKS, names only a block class the platform creates (never EFS)", () => {
    expectValid(withPrometheus(fixture("prod"), { storage: { size: "100Gi", storageClass: "io2" } }));
    expectProblem(
      withPrometheus(fixture("prod"), { storage: { size: "100Gi", storageClass: "efs" } }),
      "observability.prometheus.storage.storageClass",
      "efs is not a block StorageClass the platform creates on EKS (gp3, io2); EFS is NFS, which Prometheus's storage does not support",
    );
    const noIo2 = withPrometheus(fixture("prod"), { storage: { size: "100Gi", storageClass: "io2" } });
    noIo2.storage.block = { ...noIo2.storage.block, io2: { enabled: false } };
    expectProblem(noIo2, "observability.prometheus.storage.storageClass", "io2 is not a block StorageClass the platform creates on EKS (gp3)");
    // An existing cluster's classes are its own.
    expectValid(withPrometheus(fixture("local"), { storage: { size: "10Gi", storageClass: "local-path" } }));
  });

  it("refuses AMP on an existing cluster (no Pod Identity to sign with)", () => {
    expectProblem(
      withPrometheus(fixture("local"), { remoteWrite: { kind: "amp", workspace: "create" } }),
      "observability.prometheus.remoteWrite",
      "kind amp needs an EKS cluster: Prometheus signs its writes with the AWS role EKS Pod Identity gives it",
    );
  });

  it("refuses a workspace of another AWS partition", () => {
    expectProblem(
      withPrometheus(fixture("prod"), {
        remoteWrite: { kind: "amp", workspace: WORKSPACE.replace("arn:aws:", "arn:aws-cn:").replace("us-east-1", "cn-north-1") },
      }),
      "observability.prometheus.remoteWrite.workspace",
      "is in AWS partition aws-cn, but the stack's region (aws.region) is in partition aws",
    );
  });
});

describe("observability: the remote-write password (mlops-platform:remoteWritePassword)", () => {
  const PASSWORD = "remote-write-password-4711";
  const check = (cfg: Cfg, password: { asSecret: boolean } | undefined, missingSecrets: "refuse" | "plan") =>
    validateConfig(rawConfig(password ? { ...cfg, remoteWritePassword: PASSWORD } : cfg), new Set(password?.asSecret ? ["remoteWritePassword"] : []), {
      today: TODAY,
      missingSecrets,
    });
  const problems = (r: ReturnType<typeof check>) => (r.ok ? [] : r.problems);

  it("is accepted as a secret for basic auth, and stays out of the resolved config", () => {
    const result = check(withPrometheus(fixture("local"), { remoteWrite: ENDPOINT }), { asSecret: true }, "refuse");
    expect(problems(result)).toEqual([]);
    expect(JSON.stringify(result.ok && result.config)).not.toContain(PASSWORD);
  });

  it("is refused in plain text, without repeating it", () => {
    const found = problems(check(withPrometheus(fixture("local"), { remoteWrite: ENDPOINT }), { asSecret: false }, "plan"));
    expect(found).toEqual([
      {
        path: "remoteWritePassword",
        message: `holds the remote-write password in plain text (the value is not repeated here), and it is accepted only as a secret: remove it from the stack file, rotate it, and set it with \`${SET_REMOTE_WRITE_PASSWORD_COMMAND}\``,
      },
    ]);
    expect(JSON.stringify(found)).not.toContain(PASSWORD);
  });

  it("is required for basic auth where the engine holds secrets, and planned as a stand-in offline", () => {
    const cfg = withPrometheus(fixture("local"), { remoteWrite: ENDPOINT });
    expect(problems(check(cfg, undefined, "refuse"))).toEqual([
      { path: "remoteWritePassword", message: expect.stringContaining("is required: the remote-write endpoint takes basic auth") },
    ]);
    expect(problems(check(cfg, undefined, "plan"))).toEqual([]);
  });

  it("is refused when nothing uses it", () => {
    expect(problems(check(fixture("local"), { asSecret: true }, "refuse"))).toEqual([
      { path: "remoteWritePassword", message: expect.stringContaining("is set, but no remote write uses it") },
    ]);
  });

  it("cannot be written into the section itself", () => {
    const cfg = withPrometheus(fixture("local"), { remoteWrite: { ...ENDPOINT, basicAuth: { username: "platform", password: "x" } } });
    expect(problemsOf(cfg)).toContainEqual({
      path: "observability.prometheus.remoteWrite.basicAuth.password",
      message: expect.stringContaining(
        "a remote-write password to remoteWritePassword and alert receivers' credentials to alertingSecrets, each set with --secret",
      ),
    });
  });
});

describe("observability: tier defaults", () => {
  it("gives every tier a volume, a size limit inside it, and two replicas of both in staging and prod", () => {
    for (const env of ["local", "dev", "staging", "prod"] as const) {
      const resolved = resolveObservability(undefined, env);
      const tier = OBSERVABILITY_DEFAULTS[env];
      expect(resolved.prometheus.storage.size, env).toBe(tier.prometheusSize);
      expect(resolved.prometheus.replicas, env).toBe(env === "staging" || env === "prod" ? 2 : 1);
      expect(resolved.alertmanager.replicas, env).toBe(resolved.prometheus.replicas);
      expect(resolved.prometheus.remoteWrite, env).toBeUndefined();
    }
    expect(resolveObservability(undefined, "prod").prometheus).toMatchObject({ retention: "30d", retentionSize: "85GiB", storage: { size: "100Gi" } });
    expect(resolveObservability(undefined, "dev").prometheus).toMatchObject({ retention: "7d", retentionSize: "17GiB", storage: { size: "20Gi" } });
  });

  it("the default size limit is at most 85 % of any volume, and at most 1 GiB short of it (whole GiB)", () => {
    for (let gib = 1; gib <= 2000; gib += 7) {
      const volume = gib * 2 ** 30;
      const limit = retentionSizeBytes(defaultRetentionSize(volume)) ?? Infinity;
      expect(limit, `${gib}Gi`).toBeLessThanOrEqual(volume * 0.85);
      expect(limit, `${gib}Gi`).toBeGreaterThan(volume * 0.85 - 2 ** 30);
    }
  });

  it("resolves what a stack sets over the tier", () => {
    const cfg = withPrometheus(fixture("prod"), { replicas: 3, retention: "90d", storage: { size: "500Gi" } });
    const result = validate(cfg);
    expect(result.ok && result.config.observability.prometheus).toMatchObject({
      replicas: 3,
      retention: "90d",
      retentionSize: "425GiB",
      storage: { size: "500Gi" },
    });
  });
});
