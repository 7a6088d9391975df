/** Shared helpers for the config suites: compliant fixtures to break, and one way to assert a rejection. */
import { expect } from "vitest";
import { validateConfig, validateStackConfig } from "../../config/loader";
import type { Problem } from "../../config/problems";
import { clone, fixtureStack, rawConfig, TODAY } from "../helpers/stack";

/** A fixture stack as a loosely typed object: tests break fields with values the schema's types forbid. */
export type Cfg = any;

export type FixtureStack = "local" | "dev" | "staging" | "prod";

/** A deep copy of a (compliant) fixture stack's config (test/fixtures/stacks), ready to have one field broken. */
export function fixture(stack: FixtureStack): Cfg {
  return clone(fixtureStack(stack));
}

export interface ValidateOptions {
  readonly secretKeys?: Iterable<string>;
  readonly today?: Date;
}

export function validate(cfg: Record<string, unknown>, opts: ValidateOptions = {}) {
  return validateConfig(rawConfig(cfg), new Set(opts.secretKeys ?? []), { today: opts.today ?? TODAY });
}

/** Validates and insists on failure; returns every problem reported. */
export function problemsOf(cfg: Record<string, unknown>, opts: ValidateOptions = {}): Problem[] {
  const result = validate(cfg, opts);
  expect(result.ok, "config should have been rejected").toBe(false);
  return result.ok ? [] : result.problems;
}

/** Asserts the config is rejected with a problem at exactly `path` whose message contains `message`. */
export function expectProblem(cfg: Record<string, unknown>, path: string, message: string, opts: ValidateOptions = {}): void {
  expect(problemsOf(cfg, opts)).toContainEqual(expect.objectContaining({ path, message: expect.stringContaining(message) }));
}

/** Asserts the config validates; on failure the problems show up in the assertion diff. */
export function expectValid(cfg: Record<string, unknown>, opts: ValidateOptions = {}): void {
  const result = validate(cfg, opts);
  expect(result.ok ? [] : result.problems).toEqual([]);
}

/** The teams list of a fixture, to break one team in. */
export const teamsOf = (cfg: Cfg) => cfg.teams as Cfg[];

/** A whole stack as Pulumi hands it over: every namespace, keys as `<namespace>:<key>`. */
export const namespaced = (cfg: Cfg, extra: Record<string, string> = {}) => ({
  ...Object.fromEntries(Object.entries(rawConfig(cfg)).map(([k, v]) => [`mlops-platform:${k}`, v])),
  ...extra,
});

/** The problems of a whole stack's config (every namespace), as loadConfig would report them. */
export const stackProblems = (values: Record<string, string>, secretKeys: string[] = []) => {
  const r = validateStackConfig(values, new Set(secretKeys), { today: TODAY });
  return r.ok ? [] : r.problems;
};

/**
 * An access section for a test's own EKS stack (region us-east-1, account 111122223333): EKS refuses team owner
 * groups without an OIDC identity provider (config/access-rules.ts). Spread it in: `{ ...stack, access: eksAccess() }`.
 */
export const eksAccess = (region = "us-east-1", account = "111122223333"): Cfg => ({
  identityProvider: {
    kind: "oidc",
    issuer: "https://login.example.com",
    clientId: "mlops-test",
    kubectlClientId: "mlops-test-kubectl",
    endpoints: {
      authorization: "https://login.example.com/oauth2/v1/authorize",
      token: "https://login.example.com/oauth2/v1/token",
      userInfo: "https://login.example.com/oauth2/v1/userinfo",
      jwks: "https://login.example.com/oauth2/v1/keys",
    },
  },
  adminGroups: ["platform-admins"],
  domain: "mlops-test.example.com",
  tls: { acmCertificateArn: `arn:aws:acm:${region}:${account}:certificate/0b8e2c6a-4f1d-4e8a-9c3b-5d7e1f2a6b90` },
});
