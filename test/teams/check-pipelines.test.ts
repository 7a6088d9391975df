/**
 * The team report's Kubeflow Pipelines entry (scripts/check/team-report.ts): the team's own API in its namespace,
 * where its runs execute and as whom, where its artifacts go, and with the gateway its own UI host.
 */
import { describe, expect, it } from "vitest";
import { enabledUis } from "../../components/access/wiring";
import type { PlatformConfig } from "../../config/defaults";
import type { TeamConfig } from "../../config/teams";
import { teamReport } from "../../scripts/check/team-report";
import { gpuFlavors } from "../../domain/queues";
import { queuePlatform } from "../../charts/queues";
import { fixture, resolved } from "./fixtures";

const entryOf = (cfg: PlatformConfig, team: TeamConfig, opts: { access: boolean; eks?: string }): string => {
  const report = teamReport(team, {
    environment: cfg.environment,
    eksClusterName: opts.eks,
    queue: { flavors: gpuFlavors(queuePlatform(cfg)), queues: cfg.queues },
    access: opts.access ? cfg.access : undefined,
    uiApps: enabledUis(cfg),
  });
  const entry = report
    .find((l) => l.startsWith("  services   "))
    ?.slice(13)
    .split("; ")
    .find((e) => e.startsWith("pipelines"));
  if (!entry) throw new Error(`${team.name} has no pipelines entry`);
  return entry;
};
const teamOf = (cfg: PlatformConfig, name: string): TeamConfig => {
  const team = cfg.teams.find((t) => t.name === name);
  if (!team) throw new Error(`no team ${name}`);
  return team;
};

describe("team report: the team's own Kubeflow Pipelines", () => {
  const dev = resolved(fixture("dev"));
  const own =
    "pipelines: its own Kubeflow Pipelines in its namespace (no other team reaches it): API http://ml-pipeline.recsys.svc.cluster.local:8888, " +
    "runs execute in recsys as team-workload under its quota (which includes the control plane) and policies, " +
    "specs, artifacts and logs under s3://mlops-dev-artifacts-<account>/teams/recsys/pipelines/";

  it("on EKS with the company IdP: its API, runs, artifacts prefix, its UI host and the redirect URI the IdP must allow", () => {
    expect(entryOf(dev, teamOf(dev, "recsys"), { access: true, eks: "mlops-dev" })).toBe(
      `${own}, its UI https://pipelines-recsys.mlops-dev.example.com/ for its groups and the platform admins ` +
        "(the IdP client must allow https://pipelines-recsys.mlops-dev.example.com/oauth2/callback)",
    );
  });

  it("without an access section: no UI", () => {
    expect(entryOf(dev, teamOf(dev, "recsys"), { access: false, eks: "mlops-dev" })).toBe(own);
  });

  it("on an existing cluster with Dex: the artifacts bucket by kind, the UI, no redirect URI to register", () => {
    const local = resolved(fixture("local"));
    const entry = entryOf(local, teamOf(local, "sandbox"), { access: true });
    expect(entry).toContain("specs, artifacts and logs under the artifacts bucket, teams/sandbox/pipelines/");
    expect(entry).toContain("its UI https://pipelines-sandbox.");
    expect(entry).not.toContain("oauth2/callback");
  });
});
