/**
 * cost-tags on cost-bearing resources: a compliant resource under a compliant provider passes, then one field is
 * broken per case. The engine hands a resource policy the resource's provider (args.provider); the offline plan
 * does not, so the provider-dependent rule is proven here.
 */
import { describe, it, expect } from "vitest";
import type { ResourceValidationArgs } from "@pulumi/policy";
import { COST_BEARING_TYPES, REQUIRED_TAGS, costTags } from "../../policies/aws/cost-tags";
import { resourceArgs } from "./harness";
import { runPlan } from "../../scripts/plan/run";
import { fixtureStackConfig, TODAY } from "../helpers/stack";

const DEFAULTS = { env: "prod", team: "platform", "cost-center": "ml-platform", owner: "platform-team", "managed-by": "pulumi" };
const PROVIDER = {
  type: "pulumi:providers:aws",
  name: "aws",
  urn: "urn:pulumi:prod::mlops-platform::pulumi:providers:aws::aws",
  props: { defaultTags: JSON.stringify({ tags: DEFAULTS }) },
};
const BUCKET_T = "aws:s3/bucket:Bucket";
const TEAM_TAGS = { team: "recsys", "cost-center": "cc-4711" };

/** What cost-tags reports for one resource, with the provider the engine would pass (none: the offline plan). */
function check(type: string, props: Record<string, unknown>, provider: object | undefined = PROVIDER): string[] {
  const args = { ...resourceArgs(type, props), provider } as unknown as ResourceValidationArgs;
  const messages: string[] = [];
  const validations = Array.isArray(costTags.validateResource) ? costTags.validateResource : [costTags.validateResource];
  for (const v of validations) if (v) v(args, (m: string) => void messages.push(m));
  return messages;
}

describe("cost-tags on cost-bearing resources (OPS-01)", () => {
  it("passes a resource tagged by its provider alone, and a team's resource naming team and cost center", () => {
    expect(check(BUCKET_T, {})).toEqual([]);
    expect(check(BUCKET_T, { tags: { "mlops.platform/bucket": "datasets" } })).toEqual([]);
    expect(check(BUCKET_T, { tags: TEAM_TAGS })).toEqual([]);
    expect(check(BUCKET_T, { tags: JSON.stringify(TEAM_TAGS) })).toEqual([]);
  });

  it("judges every cost-bearing type", () => {
    expect(COST_BEARING_TYPES.length).toBeGreaterThan(15);
    for (const type of COST_BEARING_TYPES) {
      expect(check(type, {}), type).toEqual([]);
      expect(check(type, { tags: { owner: "" } }), type).toHaveLength(1);
    }
  });

  it("refuses a blank cost tag of the resource's own, which would override the provider's", () => {
    expect(check(BUCKET_T, { tags: { "cost-center": "" } })).toEqual([
      "tags blank cost-center: a resource's own tag overrides the provider's, so the bill loses it",
    ]);
    expect(check(BUCKET_T, { tags: { team: " ", env: "" } })).toContainEqual(
      "tags blank env, team: a resource's own tag overrides the provider's, so the bill loses it",
    );
  });

  it("refuses a team of its own without a cost center of its own", () => {
    expect(check(BUCKET_T, { tags: { team: "recsys" } })).toEqual([
      "tags name team recsys but no cost-center: a resource billed to a team names the team's cost center too",
    ]);
  });

  it("refuses a resource whose provider's defaultTags leave a tag unset that it does not set either", () => {
    const { owner: _owner, ...partial } = DEFAULTS;
    const provider = { ...PROVIDER, props: { defaultTags: JSON.stringify({ tags: partial }) } };
    expect(check(BUCKET_T, {}, provider)).toEqual(["carries no owner: neither its own tags nor its provider's defaultTags set them"]);
    expect(check(BUCKET_T, { tags: { owner: "data-team" } }, provider)).toEqual([]);
    expect(check(BUCKET_T, {}, { ...PROVIDER, props: {} })).toEqual([
      `carries no ${REQUIRED_TAGS.join(", ")}: neither its own tags nor its provider's defaultTags set them`,
    ]);
  });

  it("leaves what is unknown now alone: computed tags, computed defaultTags, no provider (the offline plan)", () => {
    expect(check(BUCKET_T, { tags: "<computed:tags>" })).toEqual([]);
    expect(check(BUCKET_T, {}, { ...PROVIDER, props: { defaultTags: "<computed:aws.defaultTags>" } })).toEqual([]);
    expect(check(BUCKET_T, {}, undefined)).toEqual([]);
    expect(check(BUCKET_T, { tags: { team: "" } }, undefined)).toHaveLength(1);
  });

  it("ignores types that bill nothing of their own", () => {
    expect(check("aws:iam/role:Role", { tags: { team: "" } })).toEqual([]);
  });

  it("every cost-bearing resource of the prod fixture's plan passes under the stack's own provider", async () => {
    const plan = await runPlan("prod", { stackConfig: fixtureStackConfig("prod"), today: TODAY });
    const provider = plan.resources.find((r) => r.type === "pulumi:providers:aws");
    expect(provider).toBeDefined();
    const subjects = plan.resources.filter((r) => COST_BEARING_TYPES.includes(r.type));
    expect(subjects.length).toBeGreaterThan(20);
    const asEngine = { type: provider?.type, name: provider?.name, urn: provider?.urn, props: provider?.inputs };
    for (const r of subjects) expect(check(r.type, r.inputs, asEngine), `${r.type} ${r.name}`).toEqual([]);
  });
});
