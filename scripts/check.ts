/**
 * npm run check: the credential-free pull-request check. For every stack: validate the config, run the
 * offline plan (written to out/<stack>/), and print what each team gets. Exit non-zero on any problem.
 */
import { join } from "node:path";
import { summary, writePlan } from "./plan/report";
import { runPlan } from "./plan/run";
import { listStacks } from "./plan/stack-file";
import { teamReport } from "./check/team-report";
import { mandatory, runPolicies } from "./plan/policy";
import { unusedExceptions, expiredExceptions } from "../policies/exceptions-registry";

async function main(): Promise<number> {
  const outRoot = join(__dirname, "..", "out");
  let failures = 0;
  const namespacesInUse = new Set<string>();
  for (const stack of listStacks()) {
    const result = await runPlan(stack);
    console.log(`\n=== stack ${stack} ===`);
    if (result.problems.length > 0 || !result.ok) {
      failures++;
      console.log(summary(result));
      continue;
    }
    const cfg = result.config!;
    const violations = await runPolicies(result, cfg.environment);
    await writePlan(result, outRoot, violations);
    for (const { object } of result.objects) if (object.kind === "Namespace" && object.metadata?.name) namespacesInUse.add(object.metadata.name);
    console.log(`config valid; offline plan: ${result.resources.length} resources, ${result.objects.length} Kubernetes objects, schema-valid (written to out/${stack}/)`);
    const blocking = mandatory(violations);
    console.log(`policy pack: ${violations.length} violation(s), ${blocking.length} mandatory (out/${stack}/policy.json)`);
    for (const v of violations) console.log(`  - [${v.enforcement}] ${v.policy}: ${v.message}`);
    if (blocking.length > 0) failures++;
    const eksClusterName = cfg.cluster.kind === "eks" ? cfg.cluster.name : undefined;
    console.log(cfg.teams.length === 0 ? "no teams" : `${cfg.teams.length} team(s):`);
    const ctx = { environment: cfg.environment, eksClusterName, sharedFiles: cfg.storage.sharedFiles.enabled, scratch: cfg.storage.scratch.enabled };
    for (const team of cfg.teams) console.log(teamReport(team, ctx).map((l) => `  ${l}`).join("\n"));
  }
  // The registry is shared by all stacks: an entry is unused when no stack has its namespace.
  for (const e of unusedExceptions(namespacesInUse)) {
    failures++;
    console.log(`exceptions registry: entry ${e.id} is unused (no stack has namespace ${e.scope.namespace}); remove it`);
  }
  for (const e of expiredExceptions()) {
    failures++;
    console.log(`exceptions registry: entry ${e.id} expired on ${e.expires}`);
  }
  console.log(failures === 0 ? "\ncheck passed: every stack is valid and policy-clean" : `\ncheck FAILED: ${failures} problem(s)`);
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(70);
  },
);
