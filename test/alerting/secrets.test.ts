/**
 * The receivers' credentials (mlops-platform:alertingSecrets): accepted only as a Pulumi secret holding a map from
 * receiver name to credential, required per receiver where the engine holds the stack's secrets, planned as masked
 * stand-ins offline, and never repeated in a message or the resolved config.
 */
import { describe, it, expect } from "vitest";
import { validateStackConfig } from "../../config/loader";
import { setReceiverSecretCommand } from "../../config/alerting-secrets";
import { parseStackFile } from "../../scripts/plan/stack-file";
import { TODAY } from "../helpers/stack";
import { fixture, namespaced, type Cfg } from "../config/fixtures";

const KEY = "mlops-platform:alertingSecrets";
const CLIENT = { "mlops-platform:accessClientSecret": "client-secret-4711" };
const ALL = {
  "platform-pager": "pd-key-4711",
  "platform-slack": "https://hooks.example.com/a",
  "recsys-slack": "https://hooks.example.com/b",
  "nlp-email": "pw-4711",
};

/** The prod fixture's problems with `held` under the key (a secret unless `asSecret` is false). */
function problems(held: unknown, opts: { asSecret?: boolean; missing?: "refuse" | "plan"; cfg?: Cfg } = {}) {
  const values = namespaced(opts.cfg ?? fixture("prod"), {
    ...CLIENT,
    ...(held === undefined ? {} : { [KEY]: typeof held === "string" ? held : JSON.stringify(held) }),
  });
  const secretKeys = new Set(["mlops-platform:accessClientSecret", ...(opts.asSecret === false ? [] : [KEY])]);
  const result = validateStackConfig(values, secretKeys, { today: TODAY, missingSecrets: opts.missing ?? "refuse" });
  return result.ok ? [] : result.problems;
}

describe("validation of the receivers' credentials", () => {
  it("accepts one per receiver as a secret and keeps them out of the resolved config", () => {
    const values = namespaced(fixture("prod"), { ...CLIENT, [KEY]: JSON.stringify(ALL) });
    const result = validateStackConfig(values, new Set(["mlops-platform:accessClientSecret", KEY]), { today: TODAY, missingSecrets: "refuse" });
    expect(result.ok ? [] : result.problems).toEqual([]);
    for (const value of Object.values(ALL)) expect(JSON.stringify(result.ok && result.config)).not.toContain(value);
  });

  it("refuses them in plain text without repeating them", () => {
    const found = problems(ALL, { asSecret: false });
    expect(found).toContainEqual({
      path: "alertingSecrets",
      message: expect.stringContaining("holds alert receivers' credentials in plain text (the values are not repeated here)"),
    });
    for (const value of Object.values(ALL)) expect(JSON.stringify(found)).not.toContain(value);
  });

  it("reports a plaintext value even when the alerting section failed its schema", () => {
    const cfg = fixture("prod");
    cfg.alerting.platform.receiver = "Not A Name";
    expect(problems(ALL, { asSecret: false, cfg }).map((p) => p.path)).toEqual(expect.arrayContaining(["alertingSecrets", "alerting.platform.receiver"]));
  });

  it("requires each receiver's credential where the engine holds the stack's secrets, and says how to set it", () => {
    const { "nlp-email": _mail, ...rest } = ALL;
    expect(problems(rest)).toEqual([
      {
        path: "alertingSecrets.nlp-email",
        message: `is required: receiver nlp-email reads the SMTP password from it; set it with \`${setReceiverSecretCommand("nlp-email")}\``,
      },
    ]);
    expect(setReceiverSecretCommand("nlp-email")).toBe("pulumi config set --secret --path 'mlops-platform:alertingSecrets.nlp-email' <value>");
    expect(problems(undefined).map((p) => p.path)).toEqual(
      ["platform-pager", "platform-slack", "recsys-slack", "nlp-email"].map((n) => `alertingSecrets.${n}`),
    );
  });

  it("may be missing in the offline plan, which plans stand-ins", () => {
    expect(problems(undefined, { missing: "plan" })).toEqual([]);
  });

  it("asks no password of an email receiver without a user", () => {
    const cfg = fixture("prod");
    delete cfg.alerting.receivers[3].authUsername;
    const { "nlp-email": _mail, ...rest } = ALL;
    expect(problems(rest, { cfg })).toEqual([]);
    expect(problems(ALL, { cfg })).toEqual([
      { path: "alertingSecrets.nlp-email", message: expect.stringContaining("names no receiver of alerting.receivers that takes a credential") },
    ]);
  });

  it("refuses an entry for no receiver, naming it only when it is a receiver-shaped name", () => {
    expect(problems({ ...ALL, spare: "x" })).toEqual([{ path: "alertingSecrets.spare", message: expect.stringContaining("names no receiver") }]);
    expect(problems({ ...ALL, "hooks.slack.com/x": "x" })).toEqual([
      { path: "alertingSecrets", message: expect.stringContaining("has an entry that names no receiver") },
    ]);
  });

  it("refuses a value that is not a map of credentials", () => {
    expect(problems("one-string")).toEqual([
      { path: "alertingSecrets", message: expect.stringContaining("is not a map from receiver name to its credential") },
    ]);
  });

  it("is refused without an alerting section", () => {
    const cfg = fixture("staging");
    delete cfg.alerting;
    expect(problems(ALL, { cfg })).toContainEqual({
      path: "alertingSecrets",
      message: expect.stringContaining("is set, but there is no alerting section that uses it"),
    });
  });

  it("is read from a stack file's secure: leaves, as `pulumi config set --secret --path` writes them", () => {
    const text = [
      "config:",
      ...Object.entries(namespaced(fixture("prod"))).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`),
      `  ${KEY}:`,
      ...Object.keys(ALL).map((name) => `    ${name}:\n      secure: v1:abc:def`),
    ].join("\n");
    const read = parseStackFile(text, "Pulumi.prod.yaml");
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.config.secretKeys).toEqual([KEY]);
    const result = validateStackConfig({ ...read.config.values, ...CLIENT }, new Set([...read.config.secretKeys, "mlops-platform:accessClientSecret"]), {
      today: TODAY,
      missingSecrets: "refuse",
    });
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it("suggests the key when a misspelt one is set as a secret", () => {
    const values = { ...namespaced(fixture("staging")), "mlops-platform:alertingSecret": "{}" };
    const result = validateStackConfig(values, new Set(["mlops-platform:alertingSecret"]), { today: TODAY });
    expect(result.ok ? [] : result.problems).toContainEqual({ path: "alertingSecret", message: 'unknown key (did you mean "alertingSecrets"?)' });
  });
});
