/**
 * `kubectl auth can-i --list` (a SelfSubjectRulesReview) of each team role on a real API server equals the
 * README's "Team roles" table. What every signed-in user may do anyway (discovery, self-reviews) is measured
 * as someone in no team group and taken out.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeClient } from "../../scripts/cluster/kube-client";
import { readmeRoleTriples } from "../helpers/readme";
import { adminClient } from "./planned";
import { applyFixture, member } from "./fixtures";

const admin = adminClient();
beforeAll(() => applyFixture(admin));
afterAll(() => admin.close());

interface ResourceRule {
  readonly verbs: string[];
  readonly apiGroups?: string[];
  readonly resources?: string[];
  readonly resourceNames?: string[];
}

async function canIList(who: KubeClient, namespace: string): Promise<Set<string>> {
  const review = await who.request("POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectRulesReview",
    spec: { namespace },
  });
  expect(review.status).toBe(201);
  expect(review.body.status.incomplete).toBe(false);
  const rules = review.body.status.resourceRules as ResourceRule[];
  return new Set(
    rules
      // Rights on named objects only (none in our roles) would not be rights on the resource.
      .filter((r) => !r.resourceNames?.length)
      .flatMap((r) => (r.apiGroups ?? [""]).flatMap((g) => (r.resources ?? []).flatMap((res) => r.verbs.map((v) => `${g}|${res}|${v}`)))),
  );
}

const outsider = admin.as("outsider@example.com", []);

describe("each role's can-i --list is the README's table", () => {
  it.each([
    ["vision", "view", { prod: false, kserve: true, pipelines: true }],
    ["vision", "edit", { prod: false, kserve: true, pipelines: true }],
    ["vision", "admin", { prod: false, kserve: true, pipelines: true }],
    ["nlp", "edit", { prod: false, kserve: false }],
    ["nlp", "admin", { prod: false, kserve: false }],
  ] as const)("%s %s", async (team, role, table) => {
    const everyone = await canIList(outsider, team);
    const granted = [...(await canIList(member(admin, team, role), team))].filter((t) => !everyone.has(t)).sort();
    expect(granted.length).toBeGreaterThan(0);
    expect(granted).toEqual(readmeRoleTriples(role, table));
  });

  it("a team's groups get nothing in the other team's namespace beyond what everyone gets", async () => {
    const everyone = await canIList(outsider, "nlp");
    const granted = [...(await canIList(member(admin, "vision", "admin"), "nlp"))].filter((t) => !everyone.has(t));
    expect(granted).toEqual([]);
  });
});
