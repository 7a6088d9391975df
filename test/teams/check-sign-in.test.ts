/**
 * The team report's sign-in lines (scripts/check/sign-in-report.ts): kubectl through kubelogin for IdP groups and
 * `aws eks update-kubeconfig` for IAM principals, the exact kubeconfig command, the UIs with their URLs, how the
 * team's models are called, and what it says plainly when the stack has no access section.
 */
import { describe, expect, it } from "vitest";
import { enabledUis } from "../../components/access/wiring";
import type { PlatformConfig } from "../../config/defaults";
import type { TeamConfig } from "../../config/teams";
import { kubeloginArgs, kubeloginCommand, signInLines, type SignInContext } from "../../scripts/check/sign-in-report";
import { teamReport } from "../../scripts/check/team-report";
import { gpuFlavors } from "../../domain/queues";
import { queuePlatform } from "../../charts/queues";
import { fixture, resolved } from "./fixtures";

const line = (lines: string[], label: string): string => {
  const hits = lines.filter((l) => l.startsWith(`  ${label.padEnd(10)} `));
  expect(hits, label).toHaveLength(1);
  return hits[0];
};
const labels = (lines: string[]) => lines.map((l) => l.slice(2, 12).trim());
const teamOf = (cfg: PlatformConfig, name: string): TeamConfig => {
  const team = cfg.teams.find((t) => t.name === name);
  if (!team) throw new Error(`no team ${name}`);
  return team;
};
/** The sign-in context as scripts/check.ts builds it from a resolved stack. */
const contextOf = (cfg: PlatformConfig): SignInContext => ({
  access: cfg.access,
  eksClusterName: cfg.cluster.kind === "eks" ? cfg.cluster.name : undefined,
  region: cfg.aws?.region,
  uiApps: enabledUis(cfg),
  serviceAccountTokens: cfg.access?.serviceAccountIssuer !== undefined,
});
const dev = resolved(fixture("dev"));
const local = resolved(fixture("local"));
const devAccess = (() => {
  if (!dev.access) throw new Error("the dev fixture has an access section");
  return dev.access;
})();

describe("kubelogin", () => {
  it("the exec credential command: kubectl oidc-login get-token with the issuer, the public kubectl client and extra scopes", () => {
    const access = devAccess;
    expect(kubeloginArgs(access)).toEqual([
      "oidc-login",
      "get-token",
      "--oidc-issuer-url=https://login.example.com",
      "--oidc-client-id=mlops-kubectl-dev",
      "--oidc-extra-scope=email",
      "--oidc-extra-scope=profile",
      "--oidc-extra-scope=groups",
    ]);
    expect(kubeloginCommand(access)).toBe(
      "kubectl config set-credentials oidc --exec-api-version=client.authentication.k8s.io/v1 --exec-interactive-mode=Never --exec-command=kubectl " +
        "--exec-arg=oidc-login --exec-arg=get-token --exec-arg=--oidc-issuer-url=https://login.example.com --exec-arg=--oidc-client-id=mlops-kubectl-dev " +
        "--exec-arg=--oidc-extra-scope=email --exec-arg=--oidc-extra-scope=profile --exec-arg=--oidc-extra-scope=groups",
    );
  });

  it("asks for the stack's scopes beyond openid, so an IdP without a groups scope is not asked for one", () => {
    const args = kubeloginArgs({ ...devAccess, scopes: ["openid", "email", "api://mlops/.default"] });
    expect(args.filter((arg) => arg.startsWith("--oidc-extra-scope="))).toEqual(["--oidc-extra-scope=email", "--oidc-extra-scope=api://mlops/.default"]);
  });
});

describe("sign-in lines on EKS with the company IdP (dev)", () => {
  const recsys = teamOf(dev, "recsys");
  const lines = signInLines(recsys, contextOf(dev));

  it("come right after the roles line in the team report, one line each", () => {
    const report = teamReport(recsys, {
      environment: "dev",
      eksClusterName: "mlops-dev",
      queue: { flavors: gpuFlavors(queuePlatform(dev)), queues: dev.queues },
      ...contextOf(dev),
    });
    const at = labels(report).indexOf("roles");
    expect(labels(report).slice(at, at + 5)).toEqual(["roles", "kubectl", "kubeconfig", "ui", "models"]);
    expect(labels(lines)).toEqual(["kubectl", "kubeconfig", "ui", "models"]);
  });

  it("kubectl: groups through kubelogin acting as the prefixed groups, IAM principals through update-kubeconfig", () => {
    expect(line(lines, "kubectl")).toBe(
      "  kubectl    groups recsys-leads, recsys-engineers, recsys-analysts sign in with kubelogin (issuer https://login.example.com, client mlops-kubectl-dev, extra scopes email profile groups) and act as oidc:recsys-leads, oidc:recsys-engineers, oidc:recsys-analysts; " +
        "IAM principals arn:aws:iam::111122223333:role/recsys-admin (mlops:team:recsys:admin) with `aws eks update-kubeconfig --name mlops-dev --region us-east-1` (access entries)",
    );
  });

  it("kubeconfig: the exact command, and where the cluster's server and CA come from", () => {
    expect(line(lines, "kubeconfig")).toBe(
      `  kubeconfig \`${kubeloginCommand(devAccess)}\`; the cluster from \`aws eks update-kubeconfig --name mlops-dev --region us-east-1\` (needs eks:DescribeCluster) or the stack output kubeconfig (server and CA, no credential: the platform team can hand it out), then \`kubectl config set-context --current --user=oidc\``,
    );
  });

  it("ui: each UI the team opted into plus Grafana, with its URL and Grafana's roles", () => {
    expect(line(lines, "ui")).toBe(
      "  ui         mlflow https://mlflow.mlops-dev.example.com/, pipelines https://pipelines-recsys.mlops-dev.example.com/, grafana https://grafana.mlops-dev.example.com/ (Editor for its admin and edit groups, Viewer for view), evidently https://evidently-recsys.mlops-dev.example.com/; signed in through https://login.example.com as its groups",
    );
  });

  it("models: the host pattern and the bearer token; service-account tokens only with a known issuer", () => {
    const models = line(lines, "models");
    expect(models).toContain("https://<inference-service>-recsys.models.mlops-dev.example.com with `Authorization: Bearer <token>`");
    expect(models).toContain(
      `an IdP ID token (client mlops-kubectl-dev) of its groups or the platform admins, e.g. \`kubectl ${kubeloginArgs(devAccess).join(" ")}\` → .status.token`,
    );
    expect(models).toMatch(/service-account tokens are not accepted in this stack \(no service-account issuer\)$/);
    const withIssuer = line(signInLines(recsys, { ...contextOf(dev), serviceAccountTokens: true }), "models");
    expect(withIssuer).toMatch(/ or a projected service-account token \(audience mlops-models\) of recsys\/team-workload$/);
  });

  it("the kserve service says where predictors are called from, never a 'platform ingress'", () => {
    const ctx = { environment: "dev", eksClusterName: "mlops-dev", queue: { flavors: gpuFlavors(queuePlatform(dev)), queues: dev.queues } };
    const services = (team: TeamConfig, access = dev.access) => line(teamReport(team, { ...ctx, ...contextOf(dev), access }), "services");
    expect(services(recsys)).toContain("kserve InferenceServices in its own namespace, called from it and through the gateway (see models)");
    expect(services({ ...recsys, modelEndpoints: undefined })).toContain(
      "kserve InferenceServices in its own namespace, called from it only (no model endpoints)",
    );
    // Where KServe routes every InferenceService through the gateway, the team is told the label the admission rule asks for.
    const routed = line(teamReport({ ...recsys, modelEndpoints: undefined }, { ...ctx, ...contextOf(dev), kserveRoutes: true }), "services");
    expect(routed).toContain("called from it only (no model endpoints): label each InferenceService networking.kserve.io/visibility: cluster-local");
    expect(services(recsys)).not.toContain("platform ingress");
  });
});

describe("sign-in lines without an access section", () => {
  const recsys = teamOf(dev, "recsys");

  it("on EKS: group owners cannot sign in, IAM principals still can; no UIs, no model endpoints, no kubeconfig line", () => {
    const lines = signInLines(recsys, { ...contextOf(dev), access: undefined });
    expect(labels(lines)).toEqual(["kubectl", "ui", "models"]);
    expect(line(lines, "kubectl")).toMatch(
      /^ {2}kubectl {4}groups recsys-leads, recsys-engineers, recsys-analysts CANNOT sign in: the stack has no access section, so the cluster has no identity provider; IAM principals arn:aws:iam::111122223333:role\/recsys-admin/,
    );
    expect(line(lines, "ui")).toBe("  ui         none: the stack has no access section, so no gateway serves the UIs");
    expect(line(lines, "models")).toBe("  models     none: the stack has no access section, so no gateway serves models");
  });

  it("on an existing cluster: groups as the cluster's own authentication names them", () => {
    const sandbox = local.teams[0];
    const lines = signInLines(sandbox, { ...contextOf(local), access: undefined });
    expect(line(lines, "kubectl")).toBe(
      `  kubectl    groups ${sandbox.owners.admin.groups.join(", ")} as the cluster's own authentication names them (the platform configures no identity provider)`,
    );
  });
});

describe("sign-in lines on an existing cluster with the platform's Dex (local)", () => {
  const sandbox = local.teams[0];
  const lines = signInLines(sandbox, contextOf(local));

  it("kubelogin against Dex on the login host, with its public kubectl client (no secret) and test users named", () => {
    const kubectl = line(lines, "kubectl");
    expect(kubectl).toContain("sign in with kubelogin (issuer https://login.mlops.localhost/dex, client mlops-kubectl,");
    expect(kubectl).toContain("through its public client mlops-kubectl (no secret)");
    expect(kubectl).not.toContain("client-secret");
  });

  it("the cluster comes from its own kubeconfig, whose API server must trust the issuer", () => {
    expect(line(lines, "kubeconfig")).toContain(
      "the cluster from its own kubeconfig (its API server must trust this issuer and client, with these claims and prefixes)",
    );
  });

  it("a team without IdP groups is told the UIs need IdP sign-in", () => {
    const iamOnly: TeamConfig = {
      ...sandbox,
      owners: {
        admin: { groups: [], iamPrincipals: ["arn:aws:iam::111122223333:role/x"] },
        edit: { groups: [], iamPrincipals: [] },
        view: { groups: [], iamPrincipals: [] },
      },
    };
    const l = signInLines(iamOnly, { ...contextOf(dev) });
    expect(labels(l)).not.toContain("kubeconfig");
    expect(line(l, "ui")).toBe("  ui         none: the UIs take IdP sign-in and the team names no IdP groups (IAM principals cannot sign in there)");
  });
});
