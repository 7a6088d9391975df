/**
 * The IdP client secret (mlops-platform:accessClientSecret): accepted only as a Pulumi secret, required for an
 * OIDC provider where the engine holds the stack's secrets, planned as a masked stand-in offline, and never
 * repeated in a message or the resolved config. Tests without runtime mocks come first: setMocks is for good.
 */
import { describe, it, expect, vi } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { loadConfig, validateStackConfig } from "../../config/loader";
import { ConfigError } from "../../config/problems";
import { accessClientSecret, isOfflinePlan, OFFLINE_CLIENT_SECRET, SET_CLIENT_SECRET_COMMAND, UNSET_CLIENT_SECRET_NOTE } from "../../config/access-secret";
import { fixture, namespaced, type Cfg } from "./fixtures";
import { TODAY } from "../helpers/stack";
import { parseStackFile } from "../../scripts/plan/stack-file";

const KEY = "mlops-platform:accessClientSecret";
const VALUE = "client-secret-value-4711";

/** A fixture's whole stack config, with the client secret as given. */
function stack(cfg: Cfg, secret?: { value: string; asSecret: boolean }) {
  return {
    values: namespaced(cfg, secret ? { [KEY]: secret.value } : {}),
    secretKeys: new Set(secret?.asSecret ? [KEY] : []),
  };
}

function check(cfg: Cfg, secret: { value: string; asSecret: boolean } | undefined, missingSecrets: "refuse" | "plan") {
  const { values, secretKeys } = stack(cfg, secret);
  return validateStackConfig(values, secretKeys, { today: TODAY, missingSecrets });
}

const problems = (r: ReturnType<typeof check>) => (r.ok ? [] : r.problems);

describe("validation of the client secret", () => {
  it("accepts it as a secret and keeps it out of the resolved config", () => {
    const result = check(fixture("dev"), { value: VALUE, asSecret: true }, "refuse");
    expect(problems(result)).toEqual([]);
    expect(JSON.stringify(result.ok && result.config)).not.toContain(VALUE);
  });

  it("refuses it in plain text without repeating it, and says how to set it", () => {
    const result = check(fixture("dev"), { value: VALUE, asSecret: false }, "plan");
    expect(problems(result)).toEqual([
      {
        path: "accessClientSecret",
        message: `holds the identity provider's client secret in plain text (the value is not repeated here), and it is accepted only as a secret: remove it from the stack file, rotate it, and set it with \`${SET_CLIENT_SECRET_COMMAND}\``,
      },
    ]);
    expect(JSON.stringify(problems(result))).not.toContain(VALUE);
  });

  it("is required for an OIDC provider where the engine holds the stack's secrets", () => {
    expect(problems(check(fixture("dev"), undefined, "refuse"))).toEqual([
      {
        path: "accessClientSecret",
        message:
          "is required: the gateway and Grafana sign people in as client mlops-platform-dev of the company's identity provider; set its client secret with `pulumi config set --secret mlops-platform:accessClientSecret <client secret>`",
      },
    ]);
  });

  it("may be missing in the offline plan, which plans a stand-in secret", () => {
    expect(problems(check(fixture("dev"), undefined, "plan"))).toEqual([]);
  });

  it("is refused with Dex, whose client secret the platform generates", () => {
    expect(problems(check(fixture("local"), { value: VALUE, asSecret: true }, "refuse"))).toEqual([
      {
        path: "accessClientSecret",
        message: expect.stringContaining("is not used with identityProvider kind dex: the platform generates its own Dex's client secret"),
      },
    ]);
  });

  it("is not needed with Dex, even where secrets are required", () => {
    expect(problems(check(fixture("local"), undefined, "refuse"))).toEqual([]);
  });

  it("is refused without an access section", () => {
    const cfg = fixture("local");
    delete cfg.access;
    delete cfg.teams[0].modelEndpoints;
    expect(problems(check(cfg, { value: VALUE, asSecret: true }, "refuse"))).toEqual([
      { path: "accessClientSecret", message: expect.stringContaining("is set, but there is no access section that uses it") },
    ]);
  });

  it("is read from a stack file's secure: value, which the offline plan never decrypts", () => {
    const text = [
      "config:",
      ...Object.entries(namespaced(fixture("dev"))).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`),
      `  ${KEY}:`,
      "    secure: v1:abc:def",
    ].join("\n");
    const read = parseStackFile(text, "Pulumi.dev.yaml");
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.config.secretKeys).toEqual([KEY]);
    const result = validateStackConfig(read.config.values, new Set(read.config.secretKeys), { today: TODAY, missingSecrets: "refuse" });
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it("suggests the key when a misspelt one is set as a secret", () => {
    const { values } = stack(fixture("dev"));
    const result = validateStackConfig({ ...values, "mlops-platform:accessClientSecrt": VALUE }, new Set(["mlops-platform:accessClientSecrt"]), {
      today: TODAY,
    });
    expect(problems(result)).toContainEqual({ path: "accessClientSecrt", message: 'unknown key (did you mean "accessClientSecret"?)' });
  });

  it("is judged apart from the access section when that failed its schema", () => {
    const cfg = fixture("dev");
    cfg.access.domain = "Not A Domain";
    expect(problems(check(cfg, undefined, "refuse")).map((p) => p.path)).toEqual(["access.domain"]);
  });
});

describe("outside the offline plan (no runtime mocks)", () => {
  it("is not taken for the offline plan", () => {
    expect(isOfflinePlan()).toBe(false);
  });

  it("loadConfig refuses an OIDC stack without the secret before anything is created", () => {
    pulumi.runtime.setAllConfig(stack(fixture("dev")).values, []);
    let thrown: unknown;
    try {
      loadConfig({ today: TODAY });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).message).toContain(`accessClientSecret: is required: the gateway and Grafana sign people in as client mlops-platform-dev`);
    expect((thrown as ConfigError).message).toContain(SET_CLIENT_SECRET_COMMAND);
  });

  it("accessClientSecret() refuses to make up a missing secret", () => {
    const cfg = fixture("dev");
    pulumi.runtime.setAllConfig(stack(cfg).values, []);
    expect(() => accessClientSecret({ identityProvider: { ...cfg.access.identityProvider } })).toThrow(SET_CLIENT_SECRET_COMMAND);
  });
});

describe("under runtime mocks (the offline plan)", () => {
  const resolve = <T>(output: pulumi.Output<T>) => new Promise<T>((done) => output.apply((v) => done(v)));
  const internals = (output: pulumi.Output<string>) => output as unknown as { isKnown: Promise<boolean>; isSecret: Promise<boolean> };

  it("loads an OIDC stack without the secret and plans a known stand-in secret (a Secret's keys stay plannable), with a note once", async () => {
    await pulumi.runtime.setMocks(
      { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs },
      "mlops-platform",
      "dev",
    );
    expect(isOfflinePlan()).toBe(true);
    pulumi.runtime.setAllConfig(stack(fixture("dev")).values, []);
    const cfg = loadConfig({ today: TODAY });
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      const secret = accessClientSecret(cfg.access);
      accessClientSecret(cfg.access);
      expect(secret).toBeDefined();
      expect(await internals(secret as pulumi.Output<string>).isKnown).toBe(true);
      expect(await internals(secret as pulumi.Output<string>).isSecret).toBe(true);
      expect(await resolve(secret as pulumi.Output<string>)).toBe(OFFLINE_CLIENT_SECRET);
      expect(log.mock.calls.filter((c) => String(c[0]).includes(UNSET_CLIENT_SECRET_NOTE))).toHaveLength(1);
    } finally {
      log.mockRestore();
    }
  });

  it("hands a set secret over as a secret Output", async () => {
    const cfg = fixture("dev");
    pulumi.runtime.setAllConfig(stack(cfg, { value: VALUE, asSecret: true }).values, [KEY]);
    const loaded = loadConfig({ today: TODAY });
    const secret = accessClientSecret(loaded.access) as pulumi.Output<string>;
    expect(await internals(secret).isSecret).toBe(true);
    expect(await resolve(secret)).toBe(VALUE);
  });

  it("is undefined with Dex and without access", () => {
    pulumi.runtime.setAllConfig(stack(fixture("local")).values, []);
    const loaded = loadConfig({ today: TODAY });
    expect(loaded.access?.identityProvider.kind).toBe("dex");
    expect(accessClientSecret(loaded.access)).toBeUndefined();
    expect(accessClientSecret(undefined)).toBeUndefined();
  });
});
