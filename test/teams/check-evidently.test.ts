/**
 * The team report's Evidently entry (scripts/check/team-report.ts): the team's own instance in the cluster, its
 * write token, its own UI host and, with the company's IdP, the redirect URI that IdP's client must allow.
 */
import { describe, expect, it } from "vitest";
import { enabledUis } from "../../components/access/wiring";
import type { PlatformConfig } from "../../config/defaults";
import type { TeamConfig } from "../../config/teams";
import { teamReport } from "../../scripts/check/team-report";
import { gpuFlavors } from "../../domain/queues";
import { queuePlatform } from "../../charts/queues";
import { fixture, resolved } from "./fixtures";

const evidentlyEntry = (cfg: PlatformConfig, team: TeamConfig, withAccess = true): string => {
  const report = teamReport(team, {
    environment: cfg.environment,
    queue: { flavors: gpuFlavors(queuePlatform(cfg)), queues: cfg.queues },
    access: withAccess ? cfg.access : undefined,
    uiApps: enabledUis(cfg),
  });
  const services = report.find((l) => l.startsWith("  services   "));
  const entry = services
    ?.slice(13)
    .split("; ")
    .find((e) => e.startsWith("evidently"));
  if (!entry) throw new Error(`${team.name} has no evidently entry`);
  return entry;
};
const teamOf = (cfg: PlatformConfig, name: string): TeamConfig => {
  const team = cfg.teams.find((t) => t.name === name);
  if (!team) throw new Error(`no team ${name}`);
  return team;
};

describe("team report: the team's own Evidently", () => {
  it("with the company IdP: its in-cluster URL, its token's Secret, its UI and the redirect URI the IdP must allow", () => {
    const dev = resolved(fixture("dev"));
    expect(evidentlyEntry(dev, teamOf(dev, "recsys"))).toBe(
      "evidently: its own instance at http://evidently-recsys.evidently.svc:8000 (no other team reaches it), its write token in Secret evidently-token, " +
        "its UI https://evidently-recsys.mlops-dev.example.com/ for its groups and the platform admins (the IdP client must allow https://evidently-recsys.mlops-dev.example.com/oauth2/callback)",
    );
  });

  it("with the platform's Dex: the UI, and no redirect URI to register (Dex's list is the platform's)", () => {
    const local = resolved(fixture("local"));
    const entry = evidentlyEntry(local, teamOf(local, "sandbox"));
    expect(entry).toContain("its UI https://evidently-sandbox.");
    expect(entry).not.toContain("oauth2/callback");
  });

  it("without an access section: the in-cluster instance only", () => {
    const dev = resolved(fixture("dev"));
    expect(evidentlyEntry(dev, teamOf(dev, "recsys"), false)).toBe(
      "evidently: its own instance at http://evidently-recsys.evidently.svc:8000 (no other team reaches it), its write token in Secret evidently-token",
    );
  });
});
