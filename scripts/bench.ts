/**
 * npm run bench [-- --runs N]
 * Measures the offline plan of every shipped stack as a user runs it: a fresh process per run
 * (ts-node start-up included), wall time and peak memory. Prints a table; asserts nothing.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { listStacks } from "./plan/stack-file";

const root = join(__dirname, "..");
const runsArg = process.argv.indexOf("--runs");
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 3;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function planOnce(stack: string, out: string): { wall: number; inProcess: number; peakMB: number; resources: number } {
  const started = process.hrtime.bigint();
  const run = spawnSync(join(root, "node_modules", ".bin", "ts-node"), ["--transpile-only", "scripts/plan.ts", "--stack", stack, "--out", out], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}` },
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`plan of ${stack} exited ${run.status}:\n${run.stderr}`);
  const stats = /Planned in ([\d.]+) s, peak memory (\d+) MB/.exec(run.stdout);
  const total = /total\s+(\d+)/.exec(run.stdout);
  return { wall, inProcess: Number(stats?.[1]), peakMB: Number(stats?.[2]), resources: Number(total?.[1]) };
}

const out = mkdtempSync(join(tmpdir(), "mlops-bench-"));
console.log(`Offline plan, ${runs} fresh process(es) per stack, median (Node ${process.versions.node}, ${cpus().length} cores)`);
console.log("stack     resources  wall s  in-process s  peak MB");
for (const stack of listStacks()) {
  const samples = Array.from({ length: runs }, () => planOnce(stack, out));
  const row = [
    stack.padEnd(9),
    String(samples[0].resources).padStart(9),
    median(samples.map((s) => s.wall))
      .toFixed(2)
      .padStart(7),
    median(samples.map((s) => s.inProcess))
      .toFixed(2)
      .padStart(13),
    String(median(samples.map((s) => s.peakMB))).padStart(8),
  ];
  console.log(row.join(" "));
}
rmSync(out, { recursive: true, force: true });

// Scale: the dev stack with N teams, each size in a fresh process (run + schema check + written output).
console.log("\nTeams scale (dev stack shape, in-process: plan, schema check, policy pack, writing out/)");
console.log("teams  resources  k8s objects  plan s  peak MB");
const rows: { teams: number; seconds: number; peakMB: number }[] = [];
for (const teams of [10, 100, 1000]) {
  const run = spawnSync(join(root, "node_modules", ".bin", "ts-node"), ["--transpile-only", "scripts/bench/teams.ts", "--teams", String(teams)], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}` },
  });
  if (run.status !== 0) throw new Error(`teams bench ${teams} exited ${run.status}:\n${run.stderr}`);
  const r = JSON.parse(run.stdout.trim().split("\n").pop() ?? "");
  rows.push(r);
  console.log(
    `${String(r.teams).padStart(5)} ${String(r.resources).padStart(10)} ${String(r.objects).padStart(12)} ${r.seconds.toFixed(2).padStart(7)} ${r.peakMB.toFixed(0).padStart(8)}`,
  );
}
const [small, , large] = rows;
const perTeamMs = ((large.seconds - small.seconds) / (large.teams - small.teams)) * 1000;
const perTeamMB = (large.peakMB - small.peakMB) / (large.teams - small.teams);
console.log(`marginal cost per team: ${perTeamMs.toFixed(2)} ms, ${perTeamMB.toFixed(2)} MB`);
