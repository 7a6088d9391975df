/**
 * npm run plan -- --stack <name> [--out <dir>] [--stacks-dir <dir>]
 * The offline plan: runs the program under mocks with stacks/Pulumi.<name>.yaml and writes out/<name>/.
 * Exit codes (scripts/cli/args.ts, the README has the table): 0 valid and written; 1 config problems, an
 * unreadable stack file or an unknown stack (nothing written); 2 manifests fail the API schema; 3 a mandatory
 * policy violation (out/<name>/policy.json lists every violation); 4 a chart release without a current inventory
 * (charts/inventory/; `npm run charts:inventory` refreshes it); 64 usage; 70 a crash. The summary goes to
 * stdout, and every problem behind a non-zero exit also to stderr.
 */
import { join } from "node:path";
import { EXIT, parseCli, runCli, UsageError } from "./cli/args";
import { listStacks } from "./plan/stack-file";
import { writePlan, summary } from "./plan/report";
import { runPlan } from "./plan/run";
import { mandatory, runPolicies } from "./plan/policy";
import { blockingProblems } from "./plan/blocking";

const USAGE = "usage: npm run plan -- --stack <name> [--out <dir>] [--stacks-dir <dir>]";

async function main(): Promise<number> {
  const opts = parseCli(process.argv.slice(2), ["stack", "out", "stacks-dir"]);
  if (opts.stacks.length !== 1) throw new UsageError(`name one stack (stacks: ${listStacks(opts.stacksDir).join(", ")})`);
  const [stack] = opts.stacks;
  const outRoot = opts.out ?? join(__dirname, "..", "out");
  const started = process.hrtime.bigint();
  const result = await runPlan(stack, { stacksDir: opts.stacksDir });
  if (result.problems.length > 0 || result.config === undefined) {
    console.error(summary(result));
    return EXIT.problems;
  }
  const violations = await runPolicies(result, result.config.environment);
  const dir = await writePlan(result, outRoot, violations);
  console.log(summary(result, dir, violations));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage();
  console.log(
    `Planned in ${seconds.toFixed(2)} s, peak memory ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s for the whole process`,
  );
  for (const line of blockingProblems(result, violations)) console.error(line);
  if (!result.ok) return EXIT.schema;
  if (mandatory(violations).length > 0) return EXIT.policy;
  return result.upstream.some((r) => r.inventory === undefined) ? EXIT.inventory : EXIT.ok;
}

runCli(USAGE, main);
