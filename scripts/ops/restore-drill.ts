/**
 * npm run restore-drill -- --stack <name> [--from primary|copy] [--execute]
 *
 * Restores the newest recovery point of each resource type in the stack's AWS Backup vault (EFS, an EBS volume, RDS)
 * into NEW scratch resources named `<original>-drill-<UTC time>`, waits for the restore jobs, and says what that proves
 * and what it does not. Without --execute (the default) it only prints the `aws` commands it would run. It never
 * touches the originals and never deletes anything: it prints the clean-up commands. docs/operations/restore.md.
 */
import { parseArgs } from "node:util";
import { isEksPlatform } from "../../config";
import { validateStackConfig } from "../../config/loader";
import { EXIT, UsageError, runCli } from "../cli/args";
import { runTool } from "../cli/run-tool";
import { STACKS_DIR, formatFileProblem, readStackFile } from "../plan/stack-file";
import type { VaultRole } from "../../components/storage/backup";
import {
  DOES_NOT_PROVE,
  DRILL_TYPES,
  DrillConfigError,
  PROVES,
  cleanupCommand,
  describeJobArgs,
  drillTarget,
  findVaultArgs,
  jobState,
  latestPoints,
  listPointsArgs,
  restoreMetadata,
  roleArnArgs,
  savedMetadataArgs,
  shellLine,
  startRestoreArgs,
  vaultNameOf,
  type DrillTarget,
  type DrillType,
  type RecoveryPoint,
} from "./restore-drill-plan";

const USAGE = "usage: npm run restore-drill -- --stack <name> [--from primary|copy] [--execute] [--stacks-dir <dir>]";
/** Between two describe-restore-job calls, and the longest a drill waits (a large RDS restore takes hours). */
const POLL_MS = 30_000;
const GIVE_UP_MS = 6 * 3600_000;

export interface DrillOptions {
  readonly stack: string;
  readonly from: VaultRole;
  readonly execute: boolean;
  readonly stacksDir: string;
}

export function parseDrillArgs(args: readonly string[]): DrillOptions {
  let values: { stack?: string; from?: string; execute?: boolean; "stacks-dir"?: string };
  try {
    values = parseArgs({
      args: [...args],
      options: { stack: { type: "string" }, from: { type: "string" }, execute: { type: "boolean" }, "stacks-dir": { type: "string" } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (!values.stack) throw new UsageError("--stack is required");
  const from = values.from ?? "primary";
  if (from !== "primary" && from !== "copy") throw new UsageError(`--from ${from}: use primary or copy`);
  return { stack: values.stack, from, execute: values.execute ?? false, stacksDir: values["stacks-dir"] ?? STACKS_DIR };
}

/** The stack's target, read through the project's loader (the same rules as plan and up). */
export function loadTarget(opts: DrillOptions, now: Date): DrillTarget {
  const read = readStackFile(opts.stack, opts.stacksDir);
  if (!read.ok) throw new DrillConfigError(read.problems.map(formatFileProblem).join("\n"));
  const result = validateStackConfig(read.config.values, new Set(read.config.secretKeys), { today: now });
  if (!result.ok) throw new DrillConfigError(result.problems.map((p) => `${p.path}: ${p.message}`).join("\n"));
  if (!isEksPlatform(result.config)) throw new DrillConfigError(`stack ${opts.stack} runs on an existing cluster: AWS Backup is EKS only`);
  return drillTarget(opts.stack, result.config, opts.from, now);
}

/** The dry run: every command, with placeholders where AWS's answers go. */
export function dryRun(drill: DrillTarget): string[] {
  const lines = [
    `Restore drill for stack ${drill.stack} from the ${drill.vault} vault in ${drill.region} (dry run: add --execute to run it).`,
    `Expected recovery points: ${drill.expected.join(", ")}; restored under the suffix ${drill.suffix}.`,
    "",
    shellLine(findVaultArgs(drill)),
    shellLine(roleArnArgs(drill)),
    shellLine(listPointsArgs(drill, "<vault-name>")),
  ];
  for (const type of drill.expected) {
    lines.push("", `# ${type}: the newest COMPLETED recovery point`);
    lines.push(shellLine(savedMetadataArgs(drill, "<vault-name>", `<${type}-recovery-point-arn>`)));
    const saved: Record<string, string> = type === "RDS" ? { DBInstanceIdentifier: `${drill.cluster}-postgres` } : {};
    const metadata = restoreMetadata(type, saved, drill);
    lines.push(shellLine(startRestoreArgs(drill, { RecoveryPointArn: `<${type}-recovery-point-arn>`, ResourceType: type }, "<backup-role-arn>", metadata)));
    lines.push(`#   (the saved metadata's other keys are passed on${type === "RDS" ? "" : " where the type takes them"})`);
    lines.push(shellLine(describeJobArgs(drill, "<restore-job-id>")));
  }
  return lines;
}

const aws = (args: string[]) => runTool("aws", args, { whenMissing: "install the AWS CLI v2 and sign in to the stack's account" });
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function execute(drill: DrillTarget): Promise<number> {
  const vaults = JSON.parse(aws(findVaultArgs(drill))) as string[];
  if (vaults.length !== 1)
    throw new DrillConfigError(`expected one ${drill.vault} vault tagged for ${drill.cluster} in ${drill.region}, found ${vaults.length}`);
  const vault = vaultNameOf(vaults[0]);
  const roleArn = aws(roleArnArgs(drill)).trim();
  const points = (JSON.parse(aws(listPointsArgs(drill, vault))) as { RecoveryPoints: RecoveryPoint[] }).RecoveryPoints;
  const { chosen, missing } = latestPoints(points, drill.expected);
  for (const type of missing) console.log(`FINDING: no completed ${type} recovery point in ${vault}: the stack backs one up, so the backup is not working`);
  const jobs: { type: DrillType; id: string; point: RecoveryPoint }[] = [];
  for (const point of chosen) {
    const type = point.ResourceType as DrillType;
    const saved = (JSON.parse(aws(savedMetadataArgs(drill, vault, point.RecoveryPointArn))) as { RestoreMetadata: Record<string, string> }).RestoreMetadata;
    const args = startRestoreArgs(drill, point, roleArn, restoreMetadata(type, saved, drill));
    console.log(`${type}: restoring ${point.ResourceArn} as of ${point.CreationDate}\n  ${shellLine(args)}`);
    jobs.push({ type, id: (JSON.parse(aws([...args, "--output", "json"])) as { RestoreJobId: string }).RestoreJobId, point });
  }
  let failed = missing.length;
  const started = Date.now();
  for (const job of jobs) {
    for (;;) {
      const state = JSON.parse(aws(describeJobArgs(drill, job.id))) as { Status: string; StatusMessage?: string; CreatedResourceArn?: string };
      const s = jobState(state.Status);
      if (s === "running" && Date.now() - started < GIVE_UP_MS) {
        await sleep(POLL_MS);
        continue;
      }
      const minutes = Math.round((Date.now() - started) / 60_000);
      if (s === "completed" && state.CreatedResourceArn) {
        console.log(
          `${job.type}: restored in about ${minutes} min as ${state.CreatedResourceArn}\n  clean up: ${shellLine(cleanupCommand(drill, job.type, state.CreatedResourceArn))}`,
        );
      } else {
        failed += 1;
        console.log(`${job.type}: restore job ${job.id} ${s === "running" ? "still running; stopped waiting" : state.Status}: ${state.StatusMessage ?? ""}`);
      }
      break;
    }
  }
  return failed === 0 ? EXIT.ok : EXIT.problems;
}

async function main(): Promise<number> {
  const opts = parseDrillArgs(process.argv.slice(2));
  let target: DrillTarget;
  try {
    target = loadTarget(opts, new Date());
  } catch (err) {
    if (!(err instanceof DrillConfigError)) throw err;
    console.error(err.message);
    return EXIT.problems;
  }
  const code = opts.execute ? await execute(target) : (console.log(dryRun(target).join("\n")), EXIT.ok);
  console.log(
    ["", "What this drill proves:", ...PROVES.map((l) => `  - ${l}`), "What it does not prove:", ...DOES_NOT_PROVE.map((l) => `  - ${l}`)].join("\n"),
  );
  console.log(`Resource types the drill knows: ${DRILL_TYPES.join(", ")}.`);
  return code;
}

if (require.main === module) runCli(USAGE, main);
