/**
 * One measurement for npm run bench: the offline plan (run, schema check, policy pack, written output) of the dev
 * stack with N generated teams, in this fresh process. Prints one JSON line.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { writePlan } from "../plan/report";
import { runPlan } from "../plan/run";
import { runPolicies } from "../plan/policy";
import { stackConfigFromDocument, stackFilePath } from "../plan/stack-file";
import { teamPosixId } from "../../domain/posix";

/**
 * team-0000, team-0001, …; a name whose shared-files POSIX id clashes with an earlier one (the config refuses
 * it; the first clash is at team-1041) gets a -b, -c, … suffix instead, so 2000 and 5000 teams plan at all.
 * Up to 1000 teams the names are the same as before.
 */
function teamNames(count: number): string[] {
  const ids = new Set<number>();
  return Array.from({ length: count }, (_, i) => {
    const base = `team-${String(i).padStart(4, "0")}`;
    let name = base;
    for (let k = 1; ids.has(teamPosixId(name)); k++) name = `${base}-${String.fromCharCode(97 + k)}`;
    ids.add(teamPosixId(name));
    return name;
  });
}

export function stackWithTeams(teams: number): ReturnType<typeof stackConfigFromDocument> {
  const names = teamNames(teams);
  const doc = parse(readFileSync(stackFilePath("dev"), "utf8")) as { config: Record<string, unknown> };
  // Every team may borrow from the stack's first GPU pool (nominal 0 fits any pool), so each gets a GPU flavor in its queue.
  const pools = (doc.config["mlops-platform:nodePools"] ?? []) as { name: string; role: string }[];
  const gpuPool = pools.find((p) => p.role === "gpu")?.name;
  const gpu = gpuPool ? { [gpuPool]: { nominal: 0, borrowingLimit: 1 } } : {};
  doc.config["mlops-platform:teams"] = Array.from({ length: teams }, (_, i) => ({
    name: names[i],
    costCenter: `cc-${1000 + (i % 50)}`,
    owners: { admin: { groups: [`team-${i}-leads`], iamPrincipals: [`arn:aws:iam::111122223333:role/team-${i}-admin`] }, edit: { groups: [`team-${i}-eng`] } },
    quota: { cpu: "16", memory: "64Gi", gpu, storage: "200Gi", persistentVolumeClaims: 10, pods: 50 },
    egress: { internetHttps: i % 2 === 0 },
    services: ["mlflow", "pipelines"],
  }));
  return stackConfigFromDocument(doc);
}

async function main(): Promise<void> {
  const n = Number(process.argv[process.argv.indexOf("--teams") + 1]);
  const config = stackWithTeams(n);
  const out = mkdtempSync(join(tmpdir(), "mlops-bench-teams-"));
  const started = process.hrtime.bigint();
  // What `npm run plan` does: plan, policy pack, written output.
  const result = await runPlan("dev", { stackConfig: config });
  if (!result.ok) throw new Error(JSON.stringify(result.problems.slice(0, 5)));
  const violations = await runPolicies(result, "dev");
  await writePlan(result, out, violations);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rmSync(out, { recursive: true, force: true });
  console.log(
    JSON.stringify({ teams: n, seconds, peakMB: process.resourceUsage().maxRSS / 1024, resources: result.resources.length, objects: result.objects.length }),
  );
}

if (require.main === module)
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
