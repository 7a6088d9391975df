/**
 * The plan and check CLIs end to end, as `npm run plan` / `npm run check` run them: ts-node on the project's
 * own Node 22, on the tests' fixture stacks (--stacks-dir) and on broken stack files written to a temp dir.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse, parseAllDocuments } from "yaml";

const ROOT = resolve(__dirname, "..", "..");
const BIN = join(ROOT, "node_modules", ".bin");

const FIXTURES = join(ROOT, "test", "fixtures", "stacks");

function runCli(cwd: string, args: string[], script = "scripts/plan.ts") {
  const result = spawnSync(join(BIN, "ts-node"), ["--swc", script, ...args], {
    cwd,
    env: { ...process.env, PATH: `${BIN}:${process.env.PATH ?? ""}` },
    encoding: "utf8",
    timeout: 50_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, error: result.error };
}

let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "mlops-plan-cli-"));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("npm run plan -- --stack dev", () => {
  let run: ReturnType<typeof runCli>;
  const out = () => join(tmp, "out");

  beforeAll(() => {
    run = runCli(ROOT, ["--stack", "dev", "--out", out(), "--stacks-dir", FIXTURES]);
  });

  it("exits 0 and prints the summary", () => {
    expect(run.error).toBeUndefined();
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Offline plan of stack "dev"');
    expect(run.stdout).toContain(`Written to ${join(out(), "dev")}/`);
    expect(run.stdout).toMatch(/Planned in \d+\.\d+ s/);
  });

  it("writes plan.json, the manifests and the chart references", () => {
    const dir = join(out(), "dev");
    const plan = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8"));
    expect(plan.stack).toBe("dev");
    expect(plan.resources.some((r: { type: string }) => r.type === "aws:eks/cluster:Cluster")).toBe(true);
    const docs = (file: string) => parseAllDocuments(readFileSync(join(dir, "manifests", file), "utf8")).map((d) => d.toJS());
    expect(docs("_cluster.yaml")).toContainEqual(expect.objectContaining({ kind: "Namespace", metadata: expect.objectContaining({ name: "gpu-operator" }) }));
    expect(docs("gpu-operator.yaml")).toContainEqual(
      expect.objectContaining({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: expect.objectContaining({ name: "device-plugin-config", namespace: "gpu-operator" }),
      }),
    );
    expect(existsSync(join(dir, "policy.json"))).toBe(true);
    for (const release of ["gpu-operator", "cluster-autoscaler"]) {
      const ref = parse(readFileSync(join(dir, "charts", `${release}.yaml`), "utf8"));
      expect(Object.keys(ref)).toEqual(expect.arrayContaining(["repo", "chart", "version", "values"]));
    }
  });

  it("exits 64 with usage when --stack is missing or an option is unknown", () => {
    const r = runCli(ROOT, ["--stacks-dir", FIXTURES]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("usage: npm run plan -- --stack <name>");
    expect(r.stderr).toContain("dev, local, prod, staging");
    const typo = runCli(ROOT, ["--stak", "dev"]);
    expect(typo.code).toBe(64);
    expect(typo.stderr).toContain("Unknown option '--stak'");
  });
});

/** A stack whose config breaks several rules at once. */
const BROKEN = [
  "config:",
  "  mlops-platform:environment: prod",
  "  mlops-platform:costCenter: ml-platform",
  "  mlops-platform:owner: platform-team",
  "  mlops-platform:colour: blue",
  "  mlops-platform:aws:",
  "    region: us-east-1",
  "  mlops-platform:network:",
  "    vpcCidr: 10.30.0.0/16",
  "    availabilityZones: [us-east-1a, us-east-1b, us-east-1c]",
  "  mlops-platform:cluster:",
  "    kind: eks",
  "    name: mlops-broken",
  '    version: "1.35"',
  "    admins: []",
  "  mlops-platform:nodePools:",
  "    - name: system",
  "      role: system",
  "      instanceTypes: [m6i.xlarge]",
  "      minSize: 3",
  "      maxSize: 6",
  "  mlops-platfrom:teams: []",
  "",
].join("\n");

describe("npm run plan on broken and unknown stacks", () => {
  let stacks: string;

  beforeAll(() => {
    stacks = join(tmp, "stacks");
    mkdirSync(stacks);
    writeFileSync(join(stacks, "Pulumi.broken.yaml"), BROKEN);
    writeFileSync(join(stacks, "Pulumi.notyaml.yaml"), "config:\n  mlops-platform:environment: dev\n  mlops-platform:environment: prod\n");
  });

  it("config problems: exits 1, lists every problem path on stderr and writes nothing", () => {
    const out = join(tmp, "broken-out");
    const r = runCli(ROOT, ["--stack", "broken", "--out", out, "--stacks-dir", stacks]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toContain('stack "broken"');
    expect(r.stderr).toContain("nothing was created");
    expect(r.stderr).toContain("  - colour: unknown key");
    expect(r.stderr).toContain("  - cluster.admins: needs at least one platform-admin principal");
    expect(r.stderr).toContain('  - mlops-platfrom:teams: is under the config namespace "mlops-platfrom"');
    expect(existsSync(join(out, "broken"))).toBe(false);
  });

  it("invalid YAML: exits 1 with file:line:column and no stack trace", () => {
    const r = runCli(ROOT, ["--stack", "notyaml", "--stacks-dir", stacks]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toContain(`${join(stacks, "Pulumi.notyaml.yaml")}:3:3: duplicate key mlops-platform:environment`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("an unknown stack: exits 1 and lists the stacks", () => {
    const r = runCli(ROOT, ["--stack", "nope", "--stacks-dir", stacks]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toContain("Pulumi.nope.yaml: no such stack file; stacks: broken, notyaml");
  });
});

describe("npm run plan on a stack whose charts the inventory has not rendered", () => {
  it("exits 4, names each stale release and the command that refreshes the inventory, and still writes the plan", () => {
    const stacks = join(tmp, "stale-stacks");
    mkdirSync(stacks);
    // The same local stack on a newer Kubernetes minor: every chart renders anew, and no inventory file has it yet.
    const local = readFileSync(join(FIXTURES, "Pulumi.local.yaml"), "utf8").replace('version: "1.35"', 'version: "1.36"');
    writeFileSync(join(stacks, "Pulumi.local.yaml"), local);
    const out = join(tmp, "stale-out");
    const r = runCli(ROOT, ["--stack", "local", "--out", out, "--stacks-dir", stacks]);
    expect(r.code, r.stdout + r.stderr).toBe(4);
    const stale = r.stderr.split("\n").filter((l) => l.includes("has no inventory for the values this stack passes"));
    expect(stale.length).toBeGreaterThan(3);
    for (const line of stale) expect(line).toMatch(/run `npm run charts:inventory`$/);
    expect(r.stdout).toMatch(/Chart inventory: 0 of \d+ release\(s\) inventoried/);
    const charts = JSON.parse(readFileSync(join(out, "local", "policy.json"), "utf8")).charts as { inventory: string | null }[];
    expect(charts.length).toBe(stale.length);
    expect(charts.every((c) => c.inventory === null)).toBe(true);
  });
});

describe("npm run check", () => {
  let stacks: string;
  let all: ReturnType<typeof runCli>;

  beforeAll(() => {
    stacks = join(tmp, "check-stacks");
    mkdirSync(stacks);
    cpSync(join(FIXTURES, "Pulumi.local.yaml"), join(stacks, "Pulumi.local.yaml"));
    // Sorted first, so a file that stopped the run would hide every stack after it.
    writeFileSync(join(stacks, "Pulumi.a-syntax.yaml"), "config:\n  mlops-platform:teams: [a, b\n  mlops-platform:owner: x\n");
    writeFileSync(join(stacks, "Pulumi.broken.yaml"), BROKEN);
    all = runCli(ROOT, ["--stacks-dir", stacks], "scripts/check.ts");
  });

  it("goes on past an invalid file, reports every stack, and counts problems in its last line", () => {
    expect(all.code, all.stdout + all.stderr).toBe(1);
    for (const stack of ["a-syntax", "broken", "local"]) expect(all.stdout).toContain(`=== stack ${stack} ===`);
    expect(all.stderr).toContain(`[a-syntax] ${join(stacks, "Pulumi.a-syntax.yaml")}:3:3: Flow sequence in block collection`);
    expect(all.stderr).toContain("[broken] cluster.admins: needs at least one platform-admin principal");
    expect(all.stdout).toContain("config valid; offline plan:"); // local, after the two broken files
    const problems = all.stderr.split("\n").filter((l) => /^\[(a-syntax|broken)\] /.test(l)).length;
    expect(problems).toBeGreaterThan(3);
    expect(all.stdout.trim().split("\n").pop()).toBe(`check FAILED: ${problems} problems (2 of 3 stacks)`);
  });

  it("judges no exceptions entry unused while a stack could not be planned", () => {
    expect(all.stdout).toContain("exceptions registry: unused entries not judged; 2 stack(s) could not be planned");
    expect(all.stderr).not.toContain("is unused");
    const only = join(tmp, "only-broken");
    mkdirSync(only);
    writeFileSync(join(only, "Pulumi.broken.yaml"), BROKEN);
    const r = runCli(ROOT, ["--stacks-dir", only], "scripts/check.ts");
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain("1 stack(s) could not be planned");
    expect(r.stderr).not.toContain("is unused");
  });

  it("a stray word or a stacks folder that does not exist is a usage error (64), not a check of something else", () => {
    const stray = runCli(ROOT, ["local", "--stacks-dir", stacks], "scripts/check.ts");
    expect(stray.code, stray.stdout + stray.stderr).toBe(64);
    expect(stray.stderr).toContain("Unexpected argument 'local'");
    expect(stray.stdout).not.toContain("=== stack");
    const missing = runCli(ROOT, ["--stacks-dir", join(tmp, "no-such-folder")], "scripts/check.ts");
    expect(missing.code, missing.stdout + missing.stderr).toBe(64);
    expect(missing.stderr).toContain("is not a folder");
  });

  it("--stack checks one stack and says so", () => {
    const r = runCli(ROOT, ["--stack", "local", "--stacks-dir", stacks], "scripts/check.ts");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toContain("=== stack broken ===");
    expect(r.stdout.trim().split("\n").pop()).toBe("check passed: 1 stack valid and policy-clean, 0 problems");
  });
});
