/**
 * Component type tokens follow where the code lives: `mlops:<area>:<Name>` with <area> the component's
 * top-level folder under components/ (components/services/aws/database.ts is area `services`).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { PlanResult } from "../../scripts/plan/run";
import { runPlan } from "../../scripts/plan/run";
import { readStackConfig } from "../../scripts/plan/stack-file";
import { TODAY } from "../helpers/stack";

const COMPONENTS = join(__dirname, "..", "..", "components");
const FIXTURES = join(__dirname, "..", "fixtures", "stacks");
const TOKEN = /super\(\s*"(mlops:([^:"]+):([^:"]+))"/g;

interface Declared {
  readonly token: string;
  readonly area: string;
  readonly file: string;
  readonly folder: string;
}

function declaredTokens(): Declared[] {
  const files = readdirSync(COMPONENTS, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".ts"))
    .sort();
  return files.flatMap((file) => {
    const parts = file.split(sep);
    const folder = parts.length > 1 ? parts[0] : "(components/ itself)";
    return [...readFileSync(join(COMPONENTS, file), "utf8").matchAll(TOKEN)].map((m) => ({
      token: m[1],
      area: m[2],
      file: relative(join(COMPONENTS, ".."), join(COMPONENTS, file)),
      folder,
    }));
  });
}

describe("component type tokens", () => {
  const declared = declaredTokens();

  it("finds the components (more than 10)", () => {
    expect(declared.length).toBeGreaterThan(10);
  });

  it("name each component's top-level folder under components/ as the token's area", () => {
    const wrong = declared.filter((d) => d.area !== d.folder).map((d) => `${d.file}: ${d.token} (folder ${d.folder})`);
    expect(wrong).toEqual([]);
  });

  it("are unique", () => {
    const tokens = declared.map((d) => d.token);
    expect(tokens.filter((t, i) => tokens.indexOf(t) !== i)).toEqual([]);
  });

  describe("in plans of the fixture stacks", () => {
    const plans = new Map<string, PlanResult>();

    beforeAll(async () => {
      for (const stack of ["dev", "local"]) plans.set(stack, await runPlan(stack, { stackConfig: readStackConfig(stack, FIXTURES), today: TODAY }));
    });

    it.each(["dev", "local"])("%s: every mlops: type comes from a declared token", (stack) => {
      const tokens = new Set(declared.map((d) => d.token));
      const types = [
        ...new Set(
          plans
            .get(stack)!
            .resources.map((r) => r.type)
            .filter((t) => t.startsWith("mlops:")),
        ),
      ];
      expect(types.length).toBeGreaterThan(5);
      expect(types.filter((t) => !tokens.has(t))).toEqual([]);
    });

    it("dev: the renamed components carry their new types, and nothing the old ones", () => {
      const types = new Set(plans.get("dev")!.resources.map((r) => r.type));
      expect(types).toContain("mlops:autoscaler:ClusterAutoscaler");
      expect(types).toContain("mlops:aws:KmsKeys");
      expect(types).not.toContain("mlops:nodes:ClusterAutoscaler");
      expect(types).not.toContain("mlops:security:KmsKeys");
    });
  });
});
