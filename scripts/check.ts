/**
 * npm run check [-- --stack <name> ...] [--stacks-dir <dir>] [--base <git-ref>]: the credential-free pull-request
 * check. For each stack (all of stacks/ by default): read the file, validate the config, run the offline plan
 * (written to out/<stack>/) and the policy pack, print what each team gets and the cost estimate (with --base,
 * its difference against that ref's stack files, copied to out/base-stacks/). A stack that fails does not stop the
 * others. Reports go to stdout; every problem goes to stderr as `[stack] where: what`, and the last line
 * counts problems. Exit 0 when there are none, 1 otherwise, 64 on a bad command line, 70 on a crash.
 */
import { join } from "node:path";
import { EXIT, parseCli, runCli, UsageError } from "./cli/args";
import { writePlan } from "./plan/report";
import { runPlan } from "./plan/run";
import { listStacks } from "./plan/stack-file";
import { teamReport } from "./check/team-report";
import { teamCosts } from "../domain/team-cost";
import { baseStacksDir, costDiffLines, costLines, estimate, missingPriceProblems, pricingChangeLine, stackFileEstimate, takeBase } from "./check/cost-report";
import { enabledUis } from "../components/access/wiring";
import { kserveRoutesInferenceServices } from "../charts/guardrails/models";
import { poolLines } from "./check/queue-report";
import { queueHolders, queuePlatform } from "../charts/queues";
import { gpuFlavors } from "../domain/queues";
import { runPolicies } from "./plan/policy";
import { usedNamespaces } from "./plan/upstream";
import { blockingProblems } from "./plan/blocking";
import { unusedExceptions, expiredExceptions } from "../policies/exceptions-registry";

const USAGE = "usage: npm run check [-- --stack <name> ...] [--stacks-dir <dir>] [--base <git-ref>]";

/** Checks one stack; returns its problems (already printed to stderr) and the namespaces it creates. */
async function checkStack(
  stack: string,
  stacksDir: string,
  outRoot: string,
  baseDir?: string,
): Promise<{ problems: number; planned: boolean; namespaces: string[] }> {
  console.log(`\n=== stack ${stack} ===`);
  const result = await runPlan(stack, { stacksDir });
  const cfg = result.config;
  if (result.problems.length > 0 || cfg === undefined) {
    for (const line of blockingProblems(result)) console.error(`[${stack}] ${line}`);
    console.log(`${result.problems.length} config problem(s); nothing was planned (listed on stderr)`);
    return { problems: result.problems.length, planned: false, namespaces: [] };
  }
  const violations = await runPolicies(result, cfg.environment);
  await writePlan(result, outRoot, violations);
  const blocking = blockingProblems(result, violations);
  for (const line of blocking) console.error(`[${stack}] ${line}`);
  const schema = result.schemaProblems.length === 0 ? "schema-valid" : `${result.schemaProblems.length} schema problem(s)`;
  console.log(
    `config valid; offline plan: ${result.resources.length} resources, ${result.objects.length} Kubernetes objects, ${schema} (written to out/${stack}/)`,
  );
  console.log(
    `policy pack: ${violations.length} violation(s), ${violations.filter((v) => v.enforcement === "mandatory").length} mandatory (out/${stack}/policy.json)`,
  );
  for (const v of violations.filter((x) => x.enforcement === "advisory")) console.log(`  - [advisory] ${v.policy}: ${v.message}`);
  const cost = estimate(cfg);
  const eksClusterName = cfg.cluster.kind === "eks" ? cfg.cluster.name : undefined;
  console.log(cfg.teams.length === 0 ? "no teams" : `${cfg.teams.length} team(s):`);
  const flavors = gpuFlavors(queuePlatform(cfg));
  const queue = { flavors, queues: cfg.queues };
  const signIn = {
    access: cfg.access,
    region: cfg.aws?.region,
    uiApps: enabledUis(cfg),
    // Model endpoints verify service-account tokens only with a known issuer (charts/access/security.ts serviceAccountIssuerOf):
    // the EKS cluster's own, or access.serviceAccountIssuer on an existing cluster.
    serviceAccountTokens: cfg.access?.serviceAccountIssuer !== undefined || cfg.cluster.kind === "eks",
  };
  const ctx = {
    environment: cfg.environment,
    eksClusterName,
    sharedFiles: cfg.storage.sharedFiles.enabled,
    scratch: cfg.storage.scratch.enabled ? cfg.storage.scratch : false,
    objectStore: cfg.storage.objectStore.enabled,
    queue,
    kserveRoutes: kserveRoutesInferenceServices({ kserveMode: cfg.services.kserve.mode, teams: cfg.teams }),
    costs: { teams: teamCosts(cost, cfg.teams, cfg.costs.budgets), allocation: cfg.costs.allocation.enabled },
    ...signIn,
  };
  for (const line of poolLines(queueHolders(cfg), flavors)) console.log(line);
  for (const team of cfg.teams)
    console.log(
      teamReport(team, ctx)
        .map((l) => `  ${l}`)
        .join("\n"),
    );
  for (const line of costLines(cost)) console.log(line);
  if (baseDir !== undefined) for (const line of costDiffLines(stackFileEstimate(stack, baseDir), cost)) console.log(line);
  const priceProblems = missingPriceProblems(stack, cost);
  for (const line of priceProblems) console.error(`[${stack}] ${line}`);
  const namespaces = usedNamespaces(result);
  return { problems: blocking.length + priceProblems.length, planned: true, namespaces };
}

async function main(): Promise<number> {
  const { base, rest } = takeBase(process.argv.slice(2));
  const cli = parseCli(rest, ["stack", "stacks-dir"]);
  // Every stack of the folder is checked unless some are named: only then can an exceptions entry be unused.
  const opts = { stacks: cli.stacks.length > 0 ? cli.stacks : listStacks(cli.stacksDir), stacksDir: cli.stacksDir, allStacks: cli.stacks.length === 0 };
  const outRoot = join(__dirname, "..", "out");
  const repoDir = join(__dirname, "..");
  let baseDir: string | undefined;
  try {
    baseDir = base === undefined ? undefined : baseStacksDir(base, join(outRoot, "base-stacks"), repoDir, opts.stacksDir);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const reason = String((err as { stderr?: unknown }).stderr ?? "").trim() || (err as Error).message;
    throw new UsageError(`--base ${base}: cannot read its stack files with git (${reason.split("\n")[0]})`);
  }
  const pricing = base === undefined ? undefined : pricingChangeLine(base, repoDir);
  if (pricing !== undefined) console.log(`\n${pricing}`);
  let problems = 0;
  let failedStacks = 0;
  let unplanned = 0;
  const namespacesInUse = new Set<string>();
  for (const stack of opts.stacks) {
    const r = await checkStack(stack, opts.stacksDir, outRoot, baseDir);
    problems += r.problems;
    if (r.problems > 0) failedStacks++;
    if (!r.planned) unplanned++;
    for (const ns of r.namespaces) namespacesInUse.add(ns);
  }
  // The registry is shared by all stacks: an entry is unused only when no stack at all has its namespace,
  // which only a run that planned every stack can tell.
  const judgeUnused = opts.allStacks && unplanned === 0;
  if (opts.allStacks && unplanned > 0) console.log(`\nexceptions registry: unused entries not judged; ${unplanned} stack(s) could not be planned`);
  const registry = [
    ...(judgeUnused
      ? unusedExceptions(namespacesInUse).map(
          (e) => `exceptions registry: entry ${e.id} is unused (no stack creates or uses namespace ${e.scope.namespace}); remove it`,
        )
      : []),
    ...expiredExceptions().map((e) => `exceptions registry: entry ${e.id} expired on ${e.expires}`),
  ];
  for (const line of registry) console.error(line);
  problems += registry.length;
  const checked = `${opts.stacks.length} stack${opts.stacks.length === 1 ? "" : "s"}`;
  console.log(
    problems === 0
      ? `\ncheck passed: ${checked} valid and policy-clean, 0 problems`
      : `\ncheck FAILED: ${problems} problem${problems === 1 ? "" : "s"} (${failedStacks} of ${checked}${registry.length > 0 ? ", and the exceptions registry" : ""})`,
  );
  return problems === 0 ? EXIT.ok : EXIT.problems;
}

runCli(USAGE, main);
