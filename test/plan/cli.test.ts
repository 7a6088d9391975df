/**
 * The plan CLI end to end, as `npm run plan` runs it: ts-node on the project's own Node 22.
 * scripts/plan.ts takes no stacks-directory option (stack-file.ts resolves stacks/ next to scripts/), so the
 * broken-stack case runs a temporary copy of the program's sources with its own stacks/ folder.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse, parseAllDocuments } from "yaml";

const ROOT = resolve(__dirname, "..", "..");
const BIN = join(ROOT, "node_modules", ".bin");

function runCli(cwd: string, args: string[]) {
  const result = spawnSync(join(BIN, "ts-node"), ["--transpile-only", "scripts/plan.ts", ...args], {
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
    run = runCli(ROOT, ["--stack", "dev", "--out", out()]);
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
      expect.objectContaining({ apiVersion: "v1", kind: "ConfigMap", metadata: expect.objectContaining({ name: "device-plugin-config", namespace: "gpu-operator" }) }),
    );
    expect(existsSync(join(dir, "policy.json"))).toBe(true);
    for (const release of ["gpu-operator", "cluster-autoscaler"]) {
      const ref = parse(readFileSync(join(dir, "charts", `${release}.yaml`), "utf8"));
      expect(Object.keys(ref)).toEqual(expect.arrayContaining(["repo", "chart", "version", "values"]));
    }
  });

  it("exits 64 with usage when --stack is missing", () => {
    const r = runCli(ROOT, []);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("usage: npm run plan -- --stack <name>");
    expect(r.stderr).toContain("dev, local, prod, staging");
  });
});

describe("npm run plan on a broken stack (temporary copy of the program)", () => {
  let copy: string;

  beforeAll(() => {
    copy = join(tmp, "copy");
    mkdirSync(copy);
    // Everything the program may import; not the dependencies (linked), outputs, tests or the real stacks.
    for (const entry of readdirSync(ROOT).filter((e) => !["node_modules", "out", "test", "stacks"].includes(e) && !e.startsWith("."))) {
      cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
    }
    symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"), "dir");
    mkdirSync(join(copy, "stacks"));
    writeFileSync(join(copy, "stacks", "Pulumi.broken.yaml"), [
      "config:",
      "  mlops-platform:environment: prod",
      "  mlops-platform:costCenter: ml-platform",
      "  mlops-platform:owner: platform-team",
      "  mlops-platform:colour: blue",
      "  mlops-platform:aws:",
      "    region: eu-west-1",
      "  mlops-platform:network:",
      "    vpcCidr: 10.30.0.0/16",
      "    availabilityZones: [eu-west-1a, eu-west-1b, eu-west-1c]",
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
      "",
    ].join("\n"));
  });

  it("exits 1, lists every problem path on stderr and writes nothing", () => {
    const out = join(tmp, "broken-out");
    const r = runCli(copy, ["--stack", "broken", "--out", out]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toContain('stack "broken"');
    expect(r.stderr).toContain("nothing was created");
    expect(r.stderr).toContain("  - colour: unknown key");
    expect(r.stderr).toContain("  - cluster.admins: needs at least one platform-admin principal");
    expect(existsSync(join(out, "broken"))).toBe(false);
  });
});
