/**
 * npm run plan -- --stack <name> [--out <dir>]
 * The offline plan: runs the program under mocks with stacks/Pulumi.<name>.yaml and writes out/<name>/.
 * Exit 0: valid and written. Exit 1: config problems (all listed). Exit 2: manifests fail the API schema.
 * Exit 3: a mandatory policy violation (out/<name>/policy.json lists every violation).
 */
import { join } from "node:path";
import { listStacks } from "./plan/stack-file";
import { writePlan, summary } from "./plan/report";
import { runPlan } from "./plan/run";
import { mandatory, runPolicies } from "./plan/policy";

function argValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const stack = argValue(args, "--stack");
  if (!stack) {
    console.error(`usage: npm run plan -- --stack <name>   (stacks: ${listStacks().join(", ")})`);
    return 64;
  }
  const outRoot = argValue(args, "--out") ?? join(__dirname, "..", "out");
  const started = process.hrtime.bigint();
  const result = await runPlan(stack);
  if (result.problems.length > 0) {
    console.error(summary(result));
    return 1;
  }
  const violations = await runPolicies(result, result.config!.environment);
  const dir = await writePlan(result, outRoot, violations);
  console.log(summary(result, dir, violations));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`Planned in ${seconds.toFixed(2)} s, peak memory ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  if (!result.ok) return 2;
  return mandatory(violations).length > 0 ? 3 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(70);
  },
);
