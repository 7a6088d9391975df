import { it } from "vitest";
import { writeFileSync } from "node:fs";
import { runPlan } from "../../scripts/plan/run";
import { shippedStackConfig, TODAY } from "../helpers/stack";
it("explore", async () => {
  for (const s of ["prod", "dev", "local"]) {
    const r = await runPlan(s, { stackConfig: shippedStackConfig(s), today: TODAY });
    writeFileSync(`/tmp/explore-${s}.json`, JSON.stringify(r, null, 1));
  }
});
