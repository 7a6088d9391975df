/**
 * npm run check: the credential-free pull-request check. For every stack: validate the config, run the
 * offline plan (written to out/<stack>/), and print what each team gets. Exit non-zero on any problem.
 */
import { join } from "node:path";
import { summary, writePlan } from "./plan/report";
import { runPlan } from "./plan/run";
import { listStacks } from "./plan/stack-file";
import { teamReport } from "./check/team-report";

async function main(): Promise<number> {
  const outRoot = join(__dirname, "..", "out");
  let failures = 0;
  for (const stack of listStacks()) {
    const result = await runPlan(stack);
    console.log(`\n=== stack ${stack} ===`);
    if (result.problems.length > 0 || !result.ok) {
      failures++;
      console.log(summary(result));
      continue;
    }
    writePlan(result, outRoot);
    const cfg = result.config!;
    console.log(`config valid; offline plan: ${result.resources.length} resources, ${result.objects.length} Kubernetes objects, schema-valid (written to out/${stack}/)`);
    const eksClusterName = cfg.cluster.kind === "eks" ? cfg.cluster.name : undefined;
    console.log(cfg.teams.length === 0 ? "no teams" : `${cfg.teams.length} team(s):`);
    for (const team of cfg.teams) console.log(teamReport(team, { environment: cfg.environment, eksClusterName }).map((l) => `  ${l}`).join("\n"));
  }
  console.log(failures === 0 ? "\ncheck passed: every stack is valid" : `\ncheck FAILED: ${failures} stack(s) with problems`);
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(70);
  },
);
