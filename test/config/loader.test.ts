/** The loader's raw-value handling and ConfigError, the one error a bad stack produces. */
import { describe, it, expect } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { loadConfig, validateConfig } from "../../config/loader";
import { ConfigError, formatPath, type Problem } from "../../config/problems";
import { rawConfig, TODAY } from "../helpers/stack";
import { fixture, problemsOf, validate } from "./fixtures";

describe("ConfigError", () => {
  const problems: Problem[] = [
    { path: "cluster.serviceCidr", message: "10.10.0.0/16 overlaps network.vpcCidr 10.10.0.0/16" },
    { path: "nodePools[2].minSize", message: "3 is greater than maxSize 2" },
    { path: "grafanaPassword", message: "looks like a secret" },
  ];

  it("says how many problems there are and that nothing was created", () => {
    const err = new ConfigError("dev", problems);
    expect(err.message.split("\n")[0]).toBe('stack "dev": 3 config problems; nothing was created.');
    expect(err.name).toBe("ConfigError");
    expect(err).toBeInstanceOf(Error);
  });

  it('lists every problem as a "  - path: message" line, in order', () => {
    const lines = new ConfigError("dev", problems).message.split("\n").slice(1);
    expect(lines).toEqual(problems.map((p) => `  - ${p.path}: ${p.message}`));
  });

  it("uses the singular for one problem", () => {
    expect(new ConfigError("prod", [problems[0]]).message).toMatch(/^stack "prod": 1 config problem; nothing was created\.\n/);
  });

  it("carries the problems of a real validation, one line each", () => {
    const cfg = fixture("prod");
    cfg.network.natGateways = "single";
    cfg.cluster.protect = false;
    cfg.nodePools[0].minSize = 1;
    const found = problemsOf(cfg);
    const err = new ConfigError("prod", found);
    expect(err.problems).toEqual(found);
    expect(err.message).toContain("nothing was created");
    for (const p of found) expect(err.message).toContain(`\n  - ${p.path}: ${p.message}`);
    expect(err.message.split("\n")).toHaveLength(found.length + 1);
  });
});

describe("formatPath", () => {
  it("joins keys with dots and indices with brackets", () => {
    expect(formatPath(["nodePools", 2, "gpuSharing", "profile"])).toBe("nodePools[2].gpuSharing.profile");
    expect(formatPath([])).toBe("(root)");
    expect(formatPath([0, "a"])).toBe("[0].a");
  });
});

describe("raw values", () => {
  it("accepts objects as JSON strings and plain strings as they are", () => {
    const result = validate(fixture("dev"));
    expect(result.ok && result.config.owner).toBe("platform-team");
  });

  it("rejects an object value that is not valid JSON with a schema problem, not a crash", () => {
    const raw = { ...rawConfig(fixture("dev")), network: "{vpcCidr: 10.0.0.0/16" };
    const result = validateConfig(raw, new Set(), { today: TODAY });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems).toContainEqual(expect.objectContaining({ path: "network" }));
  });

  // Pulumi hands every config value over as a string, so `costCenter: "4711"` (or `pulumi config set
  // costCenter 4711`) arrives as "4711". The loader JSON-decodes every value, turning it into the number 4711,
  // which the string field then rejects: a numeric cost center can never be configured.
  it("keeps a numeric-looking string value (cost center 4711) a string", () => {
    const cfg = fixture("dev");
    cfg.costCenter = "4711";
    const result = validate(cfg);
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(result.ok && result.config.costCenter).toBe("4711");
  });

  it("skips secret keys the schema knows nothing about, reporting only that they are unknown", () => {
    const raw = { ...rawConfig(fixture("dev")), apiToken: "[secret]" };
    const result = validateConfig(raw, new Set(["apiToken"]), { today: TODAY });
    expect(result.ok ? [] : result.problems).toEqual([{ path: "apiToken", message: "unknown key" }]);
  });
});

describe("loadConfig", () => {
  // The fixtures sign in through an OIDC IdP, whose client secret a real run must hold (test/config/access-secret.test.ts).
  const clientSecret = { "mlops-platform:accessClientSecret": "client-secret-value" };
  const secretKeys = ["mlops-platform:accessClientSecret"];

  it("reads the mlops-platform: keys from the Pulumi runtime and throws one ConfigError listing every problem", () => {
    const cfg = fixture("prod");
    cfg.network.natGateways = "single";
    cfg.cluster.protect = false;
    const values = Object.fromEntries(Object.entries(rawConfig(cfg)).map(([k, v]) => [`mlops-platform:${k}`, v]));
    // The prod fixture's alert receivers read their credentials from the secret key (test/alerting/secrets.test.ts).
    const receivers = JSON.stringify({ "platform-pager": "k", "platform-slack": "u", "recsys-slack": "u", "nlp-email": "p" });
    pulumi.runtime.setAllConfig(
      { ...values, ...clientSecret, "mlops-platform:alertingSecrets": receivers, "pulumi:tags": '{"team":"platform"}' }, // Pulumi's own namespace: allowed, not ours to read
      [...secretKeys, "mlops-platform:alertingSecrets"],
    );
    let thrown: unknown;
    try {
      loadConfig({ today: TODAY });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const err = thrown as ConfigError;
    expect(err.problems.map((p) => p.path).sort()).toEqual(["cluster.protect", "network.natGateways"]);
    expect(err.message).toContain("nothing was created");
    expect(err.message).toContain("  - network.natGateways: prod keeps one NAT gateway per AZ: use perAz");
  });

  it("returns the resolved config of a valid stack", () => {
    const values = Object.fromEntries(Object.entries(rawConfig(fixture("dev"))).map(([k, v]) => [`mlops-platform:${k}`, v]));
    pulumi.runtime.setAllConfig({ ...values, ...clientSecret }, secretKeys);
    const cfg = loadConfig({ today: TODAY });
    expect(cfg.environment).toBe("dev");
    expect(cfg.network?.natGateways).toBe("single");
  });

  it("treats keys the runtime marks secret as secrets: unknown if the schema lacks them, never as plaintext", () => {
    const values = Object.fromEntries(Object.entries(rawConfig(fixture("dev"))).map(([k, v]) => [`mlops-platform:${k}`, v]));
    pulumi.runtime.setAllConfig({ ...values, ...clientSecret, "mlops-platform:grafanaPassword": "hunter2" }, [...secretKeys, "mlops-platform:grafanaPassword"]);
    let thrown: unknown;
    try {
      loadConfig({ today: TODAY });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).problems).toEqual([{ path: "grafanaPassword", message: "unknown key" }]);
    expect((thrown as ConfigError).message).not.toContain("hunter2");
  });
});
