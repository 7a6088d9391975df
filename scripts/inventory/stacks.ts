/**
 * The stacks whose chart renders the inventory keeps: the shipped stacks and the tests' own fixture stacks, so
 * every plan the repository makes finds its charts' objects. The inventory is content-addressed, so stacks that
 * pass equal values share one file.
 */
import { join } from "node:path";
import { listStacks, STACKS_DIR } from "../plan/stack-file";
import { runPlan } from "../plan/run";
import type { UpstreamRender } from "../plan/upstream";
import type { Environment } from "../../policies/lib/define";

const ROOT = join(__dirname, "..", "..");

export const INVENTORIED_STACK_DIRS: readonly string[] = [STACKS_DIR, join(ROOT, "test", "fixtures", "stacks"), join(ROOT, "test", "cluster", "stacks")];

export interface StackRenders {
  /** e.g. "stacks/prod". */
  readonly stack: string;
  readonly name: string;
  readonly environment: Environment;
  readonly renders: readonly UpstreamRender[];
}

/** Plans every inventoried stack and returns its chart renders; a stack that does not plan is an error. */
export async function stackRenders(dirs = INVENTORIED_STACK_DIRS): Promise<StackRenders[]> {
  const out: StackRenders[] = [];
  for (const dir of dirs) {
    for (const name of listStacks(dir)) {
      const result = await runPlan(name, { stacksDir: dir });
      const stack = `${dir.slice(ROOT.length + 1)}/${name}`;
      if (!result.config) throw new Error(`${stack} does not plan: ${result.problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
      out.push({ stack, name, environment: result.config.environment, renders: result.upstream });
    }
  }
  return out;
}
