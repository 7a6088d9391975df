/**
 * Every UI host of a stack is its own: a team's Pipelines or Evidently host (<app>-<team>.<domain>) can equal no shared UI's,
 * no other team's, not Dex's login host, and never lies under the models domain, for any team name the schema takes
 * (DNS labels of at most 40 characters), so no config rule is needed.
 */
import { describe, expect, it } from "vitest";
import { DEX_HOST_LABEL } from "../../config/access";
import { modelsDomain, TEAM_UI_APPS, UI_APPS, uiRoutes } from "../../domain/access";
import { ALL_UIS, oidcAccess, team } from "./fixtures";

const access = oidcAccess();
/** Team names that look like other hosts' labels, and the longest a team may have. */
const NAMES = ["mlflow", "pipelines", "grafana", "evidently", DEX_HOST_LABEL, "models", "evidently-a", "a", "x".repeat(40)];

describe("UI hosts", () => {
  const teams = NAMES.map((name) => team(name, ["mlflow", "pipelines", "evidently"]));
  const routes = uiRoutes(access, ALL_UIS, teams);

  it("are all different, one per route: the shared UIs and each team's own Pipelines and Evidently", () => {
    expect(routes).toHaveLength(UI_APPS.length - TEAM_UI_APPS.length + TEAM_UI_APPS.length * NAMES.length);
    expect(new Set(routes.map((r) => r.host)).size).toBe(routes.length);
    expect(new Set(routes.map((r) => r.name)).size).toBe(routes.length);
  });

  it("never take the IdP's login host or a host under the models domain, and keep each DNS label within 63 characters", () => {
    const hosts = routes.map((r) => r.host);
    expect(hosts).not.toContain(`${DEX_HOST_LABEL}.${access.domain}`);
    for (const host of hosts) {
      expect(host.endsWith(`.${modelsDomain(access.domain)}`), host).toBe(false);
      expect(host.slice(0, -access.domain.length - 1), host).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    }
  });
});
