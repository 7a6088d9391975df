/**
 * npm run plan -- --stack <name> [--out <dir>] [--stacks-dir <dir>]
 * The offline plan: runs the program under mocks with stacks/Pulumi.<name>.yaml and writes out/<name>/.
 * Exit codes (scripts/cli/args.ts, the README has the table): 0 valid and written; 1 config problems, an
 * unreadable stack file or an unknown stack (all listed on stderr, nothing written); 2 manifests fail the API
 * schema; 3 a mandatory policy violation (out/<name>/policy.json lists every violation); 64 usage; 70 a crash.
 */
import { join } from "node:path";
import { argValue, EXIT, unknownFlags, UsageError } from "./cli/args";
import { listStacks, STACKS_DIR } from "./plan/stack-file";
import { writePlan, summary } from "./plan/report";
import { runPlan } from "./plan/run";
import { mandatory, runPolicies } from "./plan/policy";

const USAGE = "usage: npm run plan -- --stack <name> [--out <dir>] [--stacks-dir <dir>]";

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  let stack: string | undefined, outDir: string | undefined, stacksDir: string;
  try {
    const unknown = unknownFlags(args, ["--stack", "--out", "--stacks-dir"]);
    if (unknown.length > 0) throw new UsageError(`unknown option ${unknown.join(", ")}`);
    stack = argValue(args, "--stack");
    outDir = argValue(args, "--out");
    stacksDir = argValue(args, "--stacks-dir") ?? STACKS_DIR;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n${USAGE}`);
    return EXIT.usage;
  }
  if (!stack) {
    console.error(`${USAGE}   (stacks: ${listStacks(stacksDir).join(", ")})`);
    return EXIT.usage;
  }
  const outRoot = outDir ?? join(__dirname, "..", "out");
  const started = process.hrtime.bigint();
  const result = await runPlan(stack, { stacksDir });
  if (result.problems.length > 0) {
    console.error(summary(result));
    return EXIT.problems;
  }
  const violations = await runPolicies(result, result.config!.environment);
  const dir = await writePlan(result, outRoot, violations);
  console.log(summary(result, dir, violations));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`Planned in ${seconds.toFixed(2)} s, peak memory ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  if (!result.ok) return EXIT.schema;
  return mandatory(violations).length > 0 ? EXIT.policy : EXIT.ok;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(EXIT.internal);
  },
);
