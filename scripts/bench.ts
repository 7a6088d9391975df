/**
 * npm run bench [-- --runs N] [--max-teams N]
 * Measures the offline plan as a user runs it, in fresh processes (ts-node start-up included), and prints tables;
 * asserts nothing. Per shipped stack: wall time, CPU time of the whole process, peak memory, and the CPU time
 * over the floor (scripts/bench/floor.ts: the SDKs loaded under the same mocks and loader, two resources),
 * measured side by side in this run. Then the dev stack with 10 … 5000 generated teams (plan, schema check,
 * policy pack, written output) and the marginal cost of a team between sizes.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { listStacks } from "./plan/stack-file";

const root = join(__dirname, "..");
const { values } = parseArgs({ options: { runs: { type: "string" }, "max-teams": { type: "string" } }, strict: true });
const runs = Number(values.runs ?? 3);
const maxTeams = Number(values["max-teams"] ?? 5000);

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];

function tsNode(args: string[]): { stdout: string; wall: number } {
  const started = process.hrtime.bigint();
  const run = spawnSync(join(root, "node_modules", ".bin", "ts-node"), ["--swc", ...args], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}` },
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`ts-node ${args.join(" ")} exited ${run.status}:\n${run.stderr}`);
  return { stdout: run.stdout, wall };
}

function planOnce(stack: string, out: string) {
  const { stdout, wall } = tsNode(["scripts/plan.ts", "--stack", stack, "--out", out]);
  const stats = /Planned in ([\d.]+) s, peak memory (\d+) MB, CPU ([\d.]+) s/.exec(stdout);
  const total = /total\s+(\d+)/.exec(stdout);
  return { wall, inProcess: Number(stats?.[1]), peakMB: Number(stats?.[2]), cpu: Number(stats?.[3]), resources: Number(total?.[1]) };
}

function floorOnce(): { cpu: number; peakMB: number } {
  const line = JSON.parse(tsNode(["scripts/bench/floor.ts"]).stdout.trim().split("\n").pop() ?? "");
  return { cpu: line.cpuSeconds, peakMB: line.peakMB };
}

const out = mkdtempSync(join(tmpdir(), "mlops-bench-"));
console.log(`Offline plan, ${runs} fresh process(es) each, medians (Node ${process.versions.node}, ${cpus().length} cores)`);
const floor = Array.from({ length: runs }, floorOnce);
const floorCpu = median(floor.map((f) => f.cpu));
console.log(`floor: SDKs under the plan's mocks, two resources: CPU ${floorCpu.toFixed(2)} s, peak ${median(floor.map((f) => f.peakMB)).toFixed(0)} MB`);
console.log("stack     resources  wall s  in-process s  CPU s  × floor  peak MB");
for (const stack of listStacks()) {
  const samples = Array.from({ length: runs }, () => planOnce(stack, out));
  const cpu = median(samples.map((s) => s.cpu));
  console.log(
    [
      stack.padEnd(9),
      String(samples[0].resources).padStart(9),
      median(samples.map((s) => s.wall))
        .toFixed(2)
        .padStart(7),
      median(samples.map((s) => s.inProcess))
        .toFixed(2)
        .padStart(13),
      cpu.toFixed(2).padStart(6),
      (cpu / floorCpu).toFixed(2).padStart(8),
      String(median(samples.map((s) => s.peakMB))).padStart(8),
    ].join(" "),
  );
}
rmSync(out, { recursive: true, force: true });

console.log("\nTeams scale (dev stack shape, in-process: plan, schema check, policy pack, writing out/)");
console.log("teams  resources  k8s objects  plan s  peak MB  ms/team since previous");
const rows: { teams: number; seconds: number; peakMB: number }[] = [];
for (const teams of [10, 100, 1000, 2000, 5000].filter((n) => n <= maxTeams)) {
  const result = JSON.parse(
    tsNode(["scripts/bench/teams.ts", "--teams", String(teams)])
      .stdout.trim()
      .split("\n")
      .pop() ?? "",
  );
  const previous = rows[rows.length - 1];
  const marginal = previous ? (((result.seconds - previous.seconds) / (result.teams - previous.teams)) * 1000).toFixed(2) : "";
  rows.push(result);
  console.log(
    `${String(result.teams).padStart(5)} ${String(result.resources).padStart(10)} ${String(result.objects).padStart(12)} ${result.seconds.toFixed(2).padStart(7)} ${result.peakMB.toFixed(0).padStart(8)} ${marginal.padStart(8)}`,
  );
}
const at = (teams: number) => rows.find((r) => r.teams === teams);
const [thousand, fiveThousand] = [at(1000), at(5000)];
if (thousand && fiveThousand) console.log(`5000 teams take ${(fiveThousand.seconds / thousand.seconds).toFixed(2)}× the time of 1000`);
