/**
 * docs/operations/troubleshooting.md names what exists: scripts, files, config keys, the alerts it points to,
 * and the messages the policy pack and the check print for an expired exception, as the code writes them.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { codeOf, configKeys, hasConfigPath, missingReferences, readRunbook, REPO_ROOT } from "./runbook-references";
import { GPU_OPERATOR_NAMESPACE, KUEUE_NAMESPACE } from "../../domain/platform-namespaces";
import { AUTOSCALER_NAMESPACE } from "../../components/autoscaler/values";
import { ALERT_GROUPS } from "../../charts/observability/alerts";

const doc = readRunbook("troubleshooting.md");
const { spans, commands } = codeOf(doc);
const source = (path: string): string => readFileSync(join(REPO_ROOT, path), "utf8");
/** A message template of the doc (`<id>` placeholders) as a pattern over the source's template literal (`${e.id}`). */
const templatePattern = (message: string): RegExp => new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/<[a-z ]+>/g, "\\$\\{[^}]+\\}"));

describe("docs/operations/troubleshooting.md", () => {
  it("names only scripts, files, config keys and commands that exist", () => {
    expect(spans.length + commands.length).toBeGreaterThan(30);
    expect(missingReferences(doc)).toEqual([]);
    const keys = configKeys(spans);
    expect(keys).toEqual(expect.arrayContaining(["teams[].quota.gpu", "nodePools[].maxSize", "nodePools[].instanceTypes", "teams[].exceptions"]));
    for (const key of keys) expect(hasConfigPath(key), key).toBe(true);
  });

  it("points to alerts the platform ships", () => {
    const shipped = new Set(ALERT_GROUPS.flatMap((g) => g.rules.map((r) => r.alert)));
    const named = ["KueueTeamStarving", "KueueControllerDown", "GpuXidError"];
    for (const alert of named) {
      expect(spans, alert).toContain(alert);
      expect(shipped.has(alert), alert).toBe(true);
    }
  });

  it("looks in the namespaces the platform deploys to", () => {
    const namespaces = [...commands, ...spans].flatMap((c) => [...c.matchAll(/-n ([a-z-]+)/g)].map((m) => m[1])).filter((n) => !n.startsWith("<"));
    expect(new Set(namespaces)).toEqual(new Set([GPU_OPERATOR_NAMESPACE, KUEUE_NAMESPACE, AUTOSCALER_NAMESPACE]));
  });

  it("quotes the expired-exception messages of the policy pack and of npm run check as the code writes them", () => {
    const pack = spans.find((s) => s.startsWith("exception <id>")) ?? "";
    const check = spans.find((s) => s.startsWith("exceptions registry: entry <id>")) ?? "";
    expect(source("policies/exceptions-registry.ts")).toMatch(templatePattern(pack));
    expect(source("scripts/check.ts")).toMatch(templatePattern(check));
    expect(source("policies/exceptions-registry.ts")).toContain('name: "exceptions-registry"');
    expect(source("policies/exceptions-registry.ts")).toContain('severity: "high"');
  });

  it("says how charts are deployed as the code does: helm.v4.Chart, no Helm release", () => {
    expect(source("components/kubernetes/upstream-chart.ts")).toContain("new k8s.helm.v4.Chart(");
    expect(source("components/cluster/addons.ts")).toMatch(/resolveConflictsOnCreate: "OVERWRITE",\s+resolveConflictsOnUpdate: "OVERWRITE"/);
    expect(doc).toContain("`OVERWRITE`");
  });
});
