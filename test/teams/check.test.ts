/**
 * What `npm run check` tells a team lead: teamReport() line by line over the fixture stacks' teams, and the
 * CLI end to end over every fixture stack (it writes the offline plans to out/<stack>/, as CI does).
 */
import { describe, it, expect, beforeAll } from "vitest";
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { teamReport } from "../../scripts/check/team-report";
import type { QueueReportContext } from "../../scripts/check/queue-report";
import { queuePlatform } from "../../charts/queues";
import { gpuFlavors } from "../../domain/queues";
import type { PlatformConfig } from "../../config/defaults";
import { POD_SECURITY_VERSION } from "../../domain/versions";
import type { TeamConfig } from "../../config/teams";
import { FIXTURE_STACKS_DIR, fixtureStacks } from "../helpers/stack";
import { fixture, resolved, fixtureTeams, teamsOf } from "./fixtures";

const ROOT = resolve(__dirname, "..", "..");
const BIN = join(ROOT, "node_modules", ".bin");

/** The report line that starts with a section label (after the two-space indent). */
const line = (lines: string[], label: string): string => {
  const hits = lines.filter((l) => l.startsWith(`  ${label.padEnd(10)} `));
  expect(hits, label).toHaveLength(1);
  return hits[0];
};
const byName = (teams: readonly TeamConfig[], name: string) => teams.find((t) => t.name === name)!;
/** The queue part of the report context, as scripts/check.ts builds it from the resolved stack. */
const queueOf = (cfg: PlatformConfig): QueueReportContext => ({ flavors: gpuFlavors(queuePlatform(cfg)), queues: cfg.queues });
const QUEUE = {
  dev: queueOf(resolved(fixture("dev"))),
  prod: queueOf(resolved(fixture("prod"))),
  local: queueOf(resolved(fixture("local"))),
};

describe("teamReport on EKS (dev)", () => {
  const recsys = byName(fixtureTeams("dev"), "recsys");
  const lines = teamReport(recsys, { environment: "dev", eksClusterName: "mlops-dev", queue: QUEUE.dev });

  it("volumes: the shared-files claim, and a scratch claim that says exactly how it is kept apart, where it is linked and that it has no quota", () => {
    const withTiers = teamReport(recsys, { environment: "dev", eksClusterName: "mlops-dev", sharedFiles: true, scratch: true, queue: QUEUE.dev });
    expect(line(withTiers, "volumes")).toBe(
      "  volumes    block volumes from the default class gp3; claims shared-files (EFS, RWX, own access point and POSIX id), scratch (FSx for Lustre, RWX, own directory /teams/recsys on a file system shared with the other teams (the volume mounts that directory only, owned by uid/gid 517631, mode 2770: to write, run pods with securityContext.supplementalGroups [517631]); linked both ways, deletions included, to teams/recsys/scratch/ of mlops-dev-datasets-<account> only; no quota: the file system's capacity is shared)",
    );
  });

  it("volumes: a scratch file system of the team's own, linked to the configured sub-prefix", () => {
    const scratch = { isolation: "file-system" as const, dataPrefix: "lustre/" };
    const withTiers = teamReport(recsys, { environment: "dev", eksClusterName: "mlops-dev", scratch, queue: QUEUE.dev });
    expect(line(withTiers, "volumes")).toBe(
      "  volumes    block volumes from the default class gp3; claims scratch (FSx for Lustre, RWX, own file system (the volume mounts its directory /teams/recsys, owned by uid/gid 517631, mode 2770: to write, run pods with securityContext.supplementalGroups [517631]); linked both ways, deletions included, to teams/recsys/lustre/ of mlops-dev-datasets-<account> only; its capacity is the file system's)",
    );
  });

  it("names the team and its cost center first", () => {
    expect(lines[0]).toBe("recsys (cost center cc-4711)");
  });

  it("namespace: Pod Security restricted with the pinned version and cost labels", () => {
    expect(line(lines, "namespace")).toBe(
      `  namespace  recsys: Pod Security restricted (enforce, warn, audit; ${POD_SECURITY_VERSION}), labels team=recsys, cost-center=cc-4711`,
    );
  });

  it("quota: every figure, and no LoadBalancer or NodePort services; GPUs are the queue's, not the ResourceQuota's", () => {
    // recsys has pipelines: its own KFP control plane is added on top (charts/team/pipelines.ts).
    expect(line(lines, "quota")).toBe(
      "  quota      cpu 32, memory 128Gi, storage 500Gi, 20 PVCs, 100 pods (plus its Kubeflow Pipelines control plane: 590m cpu, 1794Mi memory requested, 3328Mi limit, 7 pods); no LoadBalancer or NodePort services",
    );
  });

  it("queue and gpus: the team's LocalQueue label and its share of the time-sliced pool", () => {
    expect(line(lines, "queue")).toContain("kueue.x-k8s.io/queue-name: recsys;");
    expect(line(lines, "gpus")).toBe(
      "  gpus       gpu: nominal 4 nvidia.com/gpu (time slices of shared GPUs), may borrow whatever the cohort leaves idle, lends all of it while idle",
    );
  });

  it("defaults: the LimitRange figures, max defaulting to the quota", () => {
    expect(line(lines, "defaults")).toBe("  defaults   per container: request 250m/512Mi, limit 1/2Gi, between 10m/16Mi and 32/128Gi");
  });

  it("roles: groups and IAM principals per role; exec is not mentioned outside prod", () => {
    expect(line(lines, "roles")).toBe(
      "  roles      admin: group recsys-leads, IAM arn:aws:iam::111122223333:role/recsys-admin; edit: group recsys-engineers; view: group recsys-analysts",
    );
  });

  it("network: defaults, Pod Identity agent, opted-in services, HTTPS, never metadata", () => {
    const network = line(lines, "network");
    for (const part of [
      "everything denied by default",
      "DNS",
      "pods of its own namespace",
      "the EKS Pod Identity agent",
      "HTTPS to public addresses",
      "never the instance metadata address",
    ]) {
      expect(network).toContain(part);
    }
    for (const s of ["mlflow", "feast", "kserve"]) expect(network).toContain(`platform service ${s}`);
    // Its own Kubeflow Pipelines runs in its namespace: no platform service to reach, the install's own egress instead.
    expect(network).not.toContain("platform service pipelines");
    expect(network).toContain("its Kubeflow Pipelines: its API server and ML Metadata to their MySQL databases");
  });

  it("identity: Pod Identity for recsys/team-workload, its bucket prefixes, the boundary", () => {
    expect(line(lines, "identity")).toBe(
      "  identity   IAM role via EKS Pod Identity for recsys/team-workload: s3 teams/recsys/ in mlops-dev-datasets-<account>, mlops-dev-artifacts-<account>, mlops-dev-models-<account>; capped by the team permissions boundary",
    );
  });

  it("exceptions: none", () => {
    expect(line(lines, "exceptions")).toBe("  exceptions none");
  });

  it("services: where each opted-in service is reached, one entry per service", () => {
    const services = line(lines, "services");
    expect(services).toContain("mlflow at http://mlflow.mlflow.svc:5000");
    expect(services).toContain("evidently: its own instance at http://evidently-recsys.evidently.svc:8000 (no other team reaches it)");
    expect(services.split("; ")).toHaveLength(recsys.services.length);
    const feast = teamReport({ ...recsys, services: ["feast"] }, { environment: "dev", eksClusterName: "mlops-dev", queue: QUEUE.dev });
    expect(line(feast, "services")).toBe(
      "  services   feast: its own store, project recsys (no other team reaches it), registry feast-recsys-registry.feast.svc.cluster.local:80, online http://feast-recsys-online.feast.svc.cluster.local:80, client config in ConfigMap feast-client, authenticated by a projected service-account token or a team member's IdP token",
    );
  });

  it("monitors: each drift report with its schedule, datasets and alert threshold; its jobs reach the bucket", () => {
    expect(line(lines, "monitors")).toBe(
      '  monitors   drift-ranker "30 * * * *": ranker/last-hour.parquet against ranker/training.parquet, alert at drift share ≥ 0.3',
    );
    expect(line(lines, "network")).toContain("its drift jobs to the datasets bucket");
    const nlp = teamReport(byName(fixtureTeams("dev"), "nlp"), { environment: "dev", eksClusterName: "mlops-dev", queue: QUEUE.dev });
    expect(nlp.some((l) => l.startsWith("  monitors"))).toBe(false);
    expect(line(nlp, "network")).not.toContain("drift jobs");
  });
});

describe("teamReport in prod", () => {
  const teams = fixtureTeams("prod");
  const report = (name: string) => teamReport(byName(teams, name), { environment: "prod", eksClusterName: "mlops-prod", queue: QUEUE.prod });

  it("says roles get no pods/exec or attach", () => {
    for (const t of teams) expect(line(report(t.name), "roles")).toMatch(/ \(no pods\/exec or attach in prod\)$/);
    expect(line(report("fraud"), "roles")).toBe("  roles      admin: group fraud-leads; view: group fraud-auditors (no pods/exec or attach in prod)");
  });

  it("lists the egress allowlist with ports and description, and HTTPS to public addresses only where asked", () => {
    const network = line(report("nlp"), "network");
    expect(network).toContain("10.40.0.0/16 on 5432 (on-prem feature warehouse over the VPN)");
    // nlp runs pipelines, which needs (and says) HTTPS egress; fraud asks for none.
    expect(network).toContain("HTTPS to public addresses");
    expect(line(report("fraud"), "network")).not.toContain("HTTPS to public addresses");
    expect(network).not.toContain("platform service kserve");
  });

  it("names the prod buckets for each team's identity", () => {
    expect(line(report("fraud"), "identity")).toContain(
      "s3 teams/fraud/ in mlops-prod-datasets-<account>, mlops-prod-artifacts-<account>, mlops-prod-models-<account>",
    );
  });

  it("lists referenced exceptions", () => {
    const nlp = { ...byName(teams, "nlp"), exceptions: ["a", "b"] };
    expect(line(teamReport(nlp, { environment: "prod", eksClusterName: "mlops-prod", queue: QUEUE.prod }), "exceptions")).toBe("  exceptions a, b");
  });
});

describe("teamReport on an existing cluster (local)", () => {
  const [sandbox] = fixtureTeams("local");
  const lines = teamReport(sandbox, { environment: "local", queue: QUEUE.local });

  it("has no AWS identity and no Pod Identity agent", () => {
    expect(line(lines, "identity")).toBe("  identity   none (existing cluster: Kubernetes side only)");
    expect(line(lines, "network")).not.toContain("Pod Identity");
    expect(line(lines, "roles")).toBe("  roles      admin: group sandbox-admins");
  });

  it("with the in-cluster object store: a key of the team's own, limited to its prefix of each bucket", () => {
    const withStore = teamReport(sandbox, { environment: "local", queue: QUEUE.local, objectStore: true });
    expect(line(withStore, "identity")).toBe(
      "  identity   object-store key of its own in Secret object-store-credentials (identity team-sandbox): read, write and list objects under teams/sandbox/ of datasets, artifacts, models, no other objects (SeaweedFS 4.44 still lets it change a whole bucket's settings, see the README); reached from its predictors and drift jobs",
    );
  });

  it("reports a changed cost center on the first and namespace lines", () => {
    const cfg = fixture("local");
    teamsOf(cfg)[0].costCenter = "cc-9000";
    const l = teamReport(resolved(cfg).teams[0], { environment: "local", queue: QUEUE.local });
    expect(l[0]).toBe("sandbox (cost center cc-9000)");
    expect(line(l, "namespace")).toContain("labels team=sandbox, cost-center=cc-9000");
  });
});

/** The CLI over the fixture stacks (`--stacks-dir`): the shipped stacks/ are checked by test/config/shipped-stacks.test.ts. */
describe("npm run check (CLI, every fixture stack)", () => {
  let run: { code: number | null; stdout: string; stderr: string; error?: Error };

  beforeAll(() => {
    const r = spawnSync(join(BIN, "ts-node"), ["--swc", "scripts/check.ts", "--stacks-dir", FIXTURE_STACKS_DIR], {
      cwd: ROOT,
      env: { ...process.env, PATH: `${BIN}:${process.env.PATH ?? ""}` },
      encoding: "utf8",
      timeout: 55_000,
    });
    run = { code: r.status, stdout: r.stdout, stderr: r.stderr, error: r.error };
  }, 60_000);

  /** The part of the output between `=== stack <name> ===` and the next section (or the final verdict). */
  const section = (stack: string): string => {
    const start = run.stdout.indexOf(`=== stack ${stack} ===`);
    expect(start, `no section for stack ${stack}`).toBeGreaterThanOrEqual(0);
    const rest = run.stdout.slice(start + 1);
    const ends = [rest.indexOf("\n=== stack "), rest.indexOf("\ncheck ")].filter((i) => i >= 0);
    return rest.slice(0, ends.length > 0 ? Math.min(...ends) : undefined);
  };

  it("exits 0 and says the check passed", () => {
    expect(run.error).toBeUndefined();
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^check passed\b/m);
  });

  it("prints a section per stack and a report per fixture team", () => {
    for (const stack of fixtureStacks()) {
      const out = section(stack);
      const teams = fixtureTeams(stack as "dev" | "prod" | "local" | "staging");
      expect(out).toContain(`${teams.length} team(s):`);
      for (const t of teams) {
        expect(out).toContain(`  ${t.name} (cost center ${t.costCenter})`);
        expect(out).toContain(`    namespace  ${t.name}: Pod Security restricted`);
      }
    }
    expect(section("prod")).toContain("(no pods/exec or attach in prod)");
  });
});
