/**
 * npm run plan:compare -- --record <dir> | --against <dir> [--stacks-dir <dir> ...]
 * The proof that a refactor changes no behaviour. `--record` plans every stack (stacks/ and the tests' fixture
 * stacks by default) and writes each plan's fingerprint to <dir>; after the change, `--against` plans them
 * again and compares: exit 0 when every stack plans the same resources with the same inputs (registration
 * order aside), 1 with the differences otherwise, 64 on a bad command line.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { EXIT, runCli, UsageError } from "./cli/args";
import { fingerprintDifferences, planFingerprint, type Fingerprint } from "./plan/fingerprint";
import { runPlan } from "./plan/run";
import { listStacks, STACKS_DIR } from "./plan/stack-file";

const USAGE = "usage: npm run plan:compare -- (--record <dir> | --against <dir>) [--stacks-dir <dir> ...]";
const FIXTURE_STACKS = join(__dirname, "..", "test", "fixtures", "stacks");
/** Any fixed day: support windows change config problems, never what a valid stack plans. */
const TODAY = new Date("2026-12-01T00:00:00Z");

/** A file-name-safe label for a stacks folder: its path from the project root (test_fixtures_stacks). */
const label = (dir: string): string => relative(join(__dirname, ".."), resolve(dir)).replace(/[^A-Za-z0-9.-]+/g, "_");

async function main(): Promise<number> {
  let values: { record?: string; against?: string; "stacks-dir"?: string[] };
  try {
    const options = { record: { type: "string" }, against: { type: "string" }, "stacks-dir": { type: "string", multiple: true } } as const;
    values = parseArgs({ args: process.argv.slice(2), options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const target = values.record ?? values.against;
  if (target === undefined || (values.record !== undefined && values.against !== undefined)) throw new UsageError("give exactly one of --record and --against");
  const dirs = values["stacks-dir"] ?? [STACKS_DIR, FIXTURE_STACKS];
  if (values.against !== undefined && !existsSync(target)) throw new UsageError(`--against ${target}: no recorded fingerprints there`);
  let differing = 0;
  let planned = 0;
  for (const dir of dirs) {
    for (const stack of listStacks(dir)) {
      const result = await runPlan(stack, { stacksDir: dir, today: TODAY });
      if (result.problems.length > 0)
        throw new Error(`${dir}: stack ${stack} does not plan: ${result.problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
      const fingerprint = planFingerprint(stack, result.resources);
      const file = join(target, `${label(dir)}--${stack}.json`);
      planned++;
      if (values.record !== undefined) {
        mkdirSync(target, { recursive: true });
        writeFileSync(file, JSON.stringify(fingerprint, null, 1));
        console.log(`recorded ${file}: ${Object.keys(fingerprint.resources).length} resources`);
        continue;
      }
      if (!existsSync(file)) {
        console.log(`${stack} (${dir}): no recording at ${file}`);
        differing++;
        continue;
      }
      const differences = fingerprintDifferences(JSON.parse(readFileSync(file, "utf8")) as Fingerprint, fingerprint);
      console.log(`${differences.length === 0 ? "identical" : "DIFFERENT"}: ${stack} (${dir}), ${Object.keys(fingerprint.resources).length} resources`);
      for (const line of differences.slice(0, 50)) console.log(`  ${line}`);
      if (differences.length > 50) console.log(`  … and ${differences.length - 50} more`);
      if (differences.length > 0) differing++;
    }
  }
  if (values.record !== undefined) return EXIT.ok;
  console.log(differing === 0 ? `no behaviour change: ${planned} stacks plan identically` : `${differing} of ${planned} stacks plan differently`);
  return differing === 0 ? EXIT.ok : EXIT.problems;
}

runCli(USAGE, main);
