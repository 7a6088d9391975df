/**
 * The rules for a team that opts into `pipelines` (config/pipelines-team-rules.ts), each from the compliant prod
 * fixture with one field broken, through the real loader: the path and the rule in the message.
 */
import { describe, expect, it } from "vitest";
import { KFP_SMALLEST_REQUEST, kfpLargestLimit, PIPELINES_NEED_INTERNET_HTTPS } from "../../config/pipelines-team-rules";
import { parseQuantity } from "../../config/quantity";
import { EXECUTOR_RESOURCES } from "../../components/services/pipelines/objects";
import { expectProblem, fixture, problemsOf, teamsOf } from "./fixtures";

/** nlp in the prod fixture uses pipelines (and says it has HTTPS egress); recsys too. */
const nlp = () => {
  const cfg = fixture("prod");
  const team = teamsOf(cfg)[1];
  expect(team.name).toBe("nlp");
  expect(team.services).toContain("pipelines");
  return { cfg, team };
};

describe("a team with pipelines: its egress and its LimitRange", () => {
  it("the compliant fixture passes", () => {
    expect(problemsOf(nlp().cfg)).toEqual([]);
  });

  it.each([false, undefined])("refuses egress.internetHttps %s: the run steps reach object storage over HTTPS and any pod can carry their label", (value) => {
    const { cfg, team } = nlp();
    team.egress.internetHttps = value;
    expectProblem(cfg, "teams[1].egress.internetHttps", PIPELINES_NEED_INTERNET_HTTPS);
    expectProblem(cfg, "teams[1].egress.internetHttps", "must be true for a team with pipelines");
  });

  it("asks nothing of a team without pipelines", () => {
    const { cfg, team } = nlp();
    team.services = ["mlflow"];
    team.egress.internetHttps = false;
    team.limits = {
      min: { cpu: "50m", memory: "64Mi" },
      defaultRequest: { cpu: "100m", memory: "128Mi" },
      default: { cpu: "250m", memory: "256Mi" },
      max: { cpu: "500m", memory: "512Mi" },
    };
    expect(problemsOf(cfg)).toEqual([]);
  });

  it("the install's largest container is the API server's 1 CPU and 1Gi", () => {
    expect(kfpLargestLimit("cpu")).toEqual({ text: "1", value: 1 });
    expect(kfpLargestLimit("memory")).toEqual({ text: "1Gi", value: 2 ** 30 });
  });

  it("Argo's executor on every step pod fits the same bounds: it requests no less than the smallest and is limited to no more than the largest", () => {
    const q = (text: string) => parseQuantity(text) ?? Number.NaN;
    for (const resource of ["cpu", "memory"] as const) {
      expect(q(EXECUTOR_RESOURCES.requests[resource])).toBeGreaterThanOrEqual(q(KFP_SMALLEST_REQUEST[resource]));
      expect(q(EXECUTOR_RESOURCES.limits[resource])).toBeLessThanOrEqual(kfpLargestLimit(resource).value);
    }
  });

  it.each([
    ["cpu", "500m"],
    ["memory", "512Mi"],
  ] as const)("refuses limits.max.%s %s: below the API server's limit, the LimitRange would refuse it", (resource, value) => {
    const { cfg, team } = nlp();
    team.limits = { max: { cpu: "8", memory: "16Gi", [resource]: value } };
    expectProblem(
      cfg,
      `teams[1].limits.max.${resource}`,
      `${value} is below ${kfpLargestLimit(resource).text}, the ${resource} limit of the team's own Kubeflow Pipelines API server`,
    );
  });

  it("without limits.max, judges the quota, which the LimitRange's max defaults to", () => {
    const { cfg, team } = nlp();
    delete team.limits;
    team.quota.cpu = "900m";
    expectProblem(cfg, "teams[1].quota.cpu", "900m is below 1, the cpu limit of the team's own Kubeflow Pipelines API server");
  });

  it.each([
    ["cpu", "20m", "10m"],
    ["memory", "32Mi", "16Mi"],
  ] as const)("refuses limits.min.%s %s: above what upstream's init containers request", (resource, value, smallest) => {
    const { cfg, team } = nlp();
    team.limits = { min: { cpu: "10m", memory: "16Mi", [resource]: value } };
    expectProblem(
      cfg,
      `teams[1].limits.min.${resource}`,
      `${value} is above ${smallest}, what upstream's init containers of the team's own Kubeflow Pipelines request`,
    );
  });
});
