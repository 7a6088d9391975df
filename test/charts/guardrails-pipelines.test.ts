/**
 * The guardrails around a team's own Kubeflow Pipelines, pure parts: which image repositories a team namespace
 * admits with and without pipelines (the install's and its runs' images, there only), that the install keeps
 * upstream's images, and the rule refusing the team's own pods under the install's service accounts. What they
 * refuse on a real API server: test/cluster/pipelines-guardrails.test.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { guardrailRules } from "../../charts/guardrails";
import { pipelinesServiceAccountsRule } from "../../charts/guardrails/service-accounts";
import { teamImageRegistries } from "../../components/teams";
import { TEAM_INSTALL_DELETIONS } from "../../components/services/pipelines/objects";
import { STATIC_PATCHES, STATIC_PATCH_DIR, overlayKustomization } from "../../components/services/pipelines/overlay";
import { serviceOptInLabel } from "../../domain/team-services";
import { KFP_IMAGE_REPOSITORIES, KFP_OBJECT_STORE_SERVICE_ACCOUNTS, KFP_RUNNER_SERVICE_ACCOUNT, KFP_SERVICE_ACCOUNTS } from "../../domain/pipelines";

const CFG = { imageRegistries: ["123456789012.dkr.ecr.us-east-1.amazonaws.com"] };

describe("a team namespace's image registries with and without pipelines", () => {
  const withPipelines = teamImageRegistries(CFG, { services: ["mlflow", "pipelines"] }) ?? [];
  const without = teamImageRegistries(CFG, { services: ["mlflow"] }) ?? [];

  it("a team with pipelines admits the stack's registries, the drift images' and every repository its KFP and runs pull", () => {
    expect(withPipelines.length).toBeGreaterThan(KFP_IMAGE_REPOSITORIES.length);
    expect(withPipelines[0]).toBe(CFG.imageRegistries[0]);
    for (const repository of [...without, ...KFP_IMAGE_REPOSITORIES]) expect(withPipelines).toContain(repository);
  });

  it("a team without pipelines admits none of the KFP repositories, and is what the stack-wide list says", () => {
    expect(without).toEqual(teamImageRegistries(CFG));
    for (const repository of KFP_IMAGE_REPOSITORIES) expect(without).not.toContain(repository);
  });

  it("leaves any registry allowed when none is configured, pipelines or not", () => {
    expect(teamImageRegistries(undefined, { services: ["pipelines"] })).toBeUndefined();
  });

  it("names repositories as the rule compares them: host, path, no tag, Docker Hub in full", () => {
    for (const repository of KFP_IMAGE_REPOSITORIES) {
      expect(repository, repository).toMatch(/^[a-z0-9.-]+\.[a-z]+\/[a-z0-9._/-]+$/);
      expect(repository.split("/").length, repository).toBeGreaterThanOrEqual(3);
    }
    expect(KFP_IMAGE_REPOSITORIES).toContain("docker.io/library/alpine");
  });

  it("the registry rule admits the KFP repositories only where the namespace opted into pipelines", () => {
    const rule = guardrailRules({ imageRegistries: CFG.imageRegistries }).find((r) => r.name === "image-registries");
    const allowed = rule?.spec.variables?.find((v) => v.name === "allowed")?.expression ?? "";
    const [withBranch, withoutBranch] = allowed.split(" : ");
    expect(withBranch).toContain(serviceOptInLabel("pipelines"));
    for (const repository of KFP_IMAGE_REPOSITORIES) {
      expect(withBranch).toContain(`'${repository}'`);
      expect(withoutBranch).not.toContain(repository);
    }
    expect(withoutBranch).toBe(`['${CFG.imageRegistries[0]}']`);
  });
});

describe("the team install keeps upstream's images", () => {
  it("sets no images and patches no container image: the repositories above are the ones it runs", () => {
    const k = overlayKustomization({
      team: "vision",
      bucket: "b",
      objectStore: { kind: "s3", region: "us-east-1" },
      mysqlHost: "db",
    }) as Record<string, unknown>;
    expect(k.images).toBeUndefined();
    const patches = (k.patches as { patch?: string }[]).flatMap((p) => (p.patch ? [p.patch] : []));
    expect(patches.length).toBeGreaterThan(0);
    for (const text of [...patches, ...STATIC_PATCHES.map((f) => readFileSync(join(STATIC_PATCH_DIR, f), "utf8"))]) {
      expect(text).not.toMatch(/\bimage:|executor-image|V2_(DRIVER|LAUNCHER)_IMAGE/);
    }
  });
});

describe("the install's service accounts are not the team's to run as", () => {
  const rule = pipelinesServiceAccountsRule();
  const expression = rule.spec.validations[0].expression;

  it("lists every account the install keeps and none it deletes; the runs' account stays free", () => {
    const deleted = TEAM_INSTALL_DELETIONS.filter((o) => o.kind === "ServiceAccount").map((o) => o.name);
    expect(deleted.length).toBeGreaterThan(0);
    for (const account of KFP_SERVICE_ACCOUNTS) {
      expect(expression).toContain(`'${account}'`);
      expect(deleted).not.toContain(account);
    }
    for (const account of KFP_OBJECT_STORE_SERVICE_ACCOUNTS) expect(KFP_SERVICE_ACCOUNTS).toContain(account);
    expect(KFP_SERVICE_ACCOUNTS).not.toContain(KFP_RUNNER_SERVICE_ACCOUNT);
    expect(KFP_SERVICE_ACCOUNTS).toContain("argo");
  });

  it("judges the team's own pods and workload templates, the deprecated serviceAccount too, where pipelines run", () => {
    const resources = rule.spec.matchConstraints.resourceRules?.flatMap((r) => r.resources) ?? [];
    for (const kind of ["pods", "deployments", "replicasets", "statefulsets", "daemonsets", "jobs", "cronjobs"]) expect(resources).toContain(kind);
    const account = rule.spec.variables?.find((v) => v.name === "account")?.expression ?? "";
    expect(account).toContain("serviceAccountName");
    expect(account).toContain("serviceAccount.orValue");
    expect(expression).toContain(serviceOptInLabel("pipelines"));
    expect(expression).toContain("team-group-");
  });

  it("is registered with an owner, its reason and the RBAC controls", () => {
    const registered = guardrailRules({}).find((r) => r.name === "team-pipelines-service-accounts");
    expect(registered?.owner).toBe("platform-security");
    expect(registered?.controls).toEqual(["RBAC-03", "RBAC-04"]);
  });
});
