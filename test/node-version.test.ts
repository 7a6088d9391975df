/**
 * The Node.js guard: the pure check, index.ts loading it before anything else, a real run of index.ts on the
 * machine's old Node, and `npm run pulumi` putting the project's Node 22 first on PATH.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { assertSupportedNode, MIN_NODE_MAJOR, MIN_NODE_MINOR, nodeVersionProblem } from "../node-version";
import pkg from "../package.json";

const ROOT = join(__dirname, "..");

describe("nodeVersionProblem (pure)", () => {
  it.each(["20.20.2", "v20.0.0", "21.7.3", "18.19.0", "22.11.0", "v22.0.0"])("rejects %s, naming the version, Node 22 and how to run pulumi", (version) => {
    const problem = nodeVersionProblem(version, "/usr/bin/node");
    expect(problem).toContain(`runs on Node.js ${version} (/usr/bin/node)`);
    expect(problem).toContain("needs Node.js 22 (22.12 or newer)");
    expect(problem).toContain("npm run pulumi -- up --stack dev");
  });

  it.each(["22.12.0", "v22.23.3", "23.0.0", "24.1.0"])("accepts %s", (version) => {
    expect(nodeVersionProblem(version)).toBeUndefined();
  });

  it("rejects a version it cannot read", () => {
    expect(nodeVersionProblem("unknown")).toContain("needs Node.js 22");
  });

  it("accepts exactly what package.json engines.node says: its minimum, and no upper bound", () => {
    expect(pkg.engines.node).toBe(`>=${MIN_NODE_MAJOR}.${MIN_NODE_MINOR}`);
  });

  it("is quoted in the README's Deploying for real, word for word", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    expect(readme).toContain(`Error: ${nodeVersionProblem("20.20.2", "/usr/bin/node")}\n`);
  });

  it("assertSupportedNode throws the problem as an Error, and passes on this (the project's) Node", () => {
    expect(() => assertSupportedNode("20.20.2", "/usr/bin/node")).toThrow(/needs Node\.js 22 \(22\.12 or newer\), but this program runs on Node\.js 20\.20\.2/);
    expect(() => assertSupportedNode()).not.toThrow();
  });
});

describe("index.ts", () => {
  const source = readFileSync(join(ROOT, "index.ts"), "utf8");

  it("has the guard as its first statement, a side-effect import", () => {
    const first = ts.createSourceFile("index.ts", source, ts.ScriptTarget.ES2022).statements[0];
    expect(ts.isImportDeclaration(first) && first.importClause === undefined && (first.moduleSpecifier as ts.StringLiteral).text).toBe("./node-version");
  });

  it("compiled to CommonJS (as ts-node runs it for pulumi), requires the guard before any other module", () => {
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const requires = [...js.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(requires[0]).toBe("./node-version");
    expect(requires.length).toBeGreaterThan(1);
  });
});

/** An installed Node older than the minimum (the machines ship Node 20 as /usr/bin/node), if there is one. */
function oldNode(): { path: string; version: string } | undefined {
  for (const path of ["/usr/bin/node", "/usr/local/bin/node"]) {
    if (!existsSync(path)) continue;
    const version = spawnSync(path, ["--version"], { encoding: "utf8" }).stdout.trim();
    if (Number(/^v(\d+)\./.exec(version)?.[1]) < MIN_NODE_MAJOR) return { path, version };
  }
  return undefined;
}

describe("running the program on a real Node", () => {
  const old = oldNode();
  const tsNode = require.resolve("ts-node/register/transpile-only");
  // Logs every @pulumi/* module as Node loads it, so the run shows whether the SDK loaded before the guard.
  const dir = mkdtempSync(join(tmpdir(), "mlops-node-guard-"));
  const trace = join(dir, "trace-loads.js");
  writeFileSync(
    trace,
    `const M = require("module"); const load = M._load;
M._load = function (request, ...rest) { if (request.startsWith("@pulumi/")) process.stderr.write("LOADED " + request + "\\n"); return load.call(this, request, ...rest); };\n`,
  );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (node: string) =>
    spawnSync(node, ["-r", trace, "-r", tsNode, "index.ts"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, PULUMI_CONFIG: "{}" }, timeout: 60_000 });

  it.skipIf(old === undefined)(
    `on ${old ? `${old.path} ${old.version}` : "an old Node (skipped: no Node older than 22 at /usr/bin/node or /usr/local/bin/node)"}: stops at the guard with the message, before @pulumi/pulumi loads`,
    () => {
      const r = run(old!.path);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(
        `mlops-platform needs Node.js 22 (22.12 or newer), but this program runs on Node.js ${old!.version.replace(/^v/, "")} (${old!.path})`,
      );
      expect(r.stderr).toContain("npm run pulumi -- up --stack dev");
      expect(r.stderr).not.toContain("LOADED @pulumi/");
    },
  );

  it("on the project's Node: passes the guard and goes on to the program (which needs the engine's config)", () => {
    const r = run(process.execPath);
    expect(r.stderr).not.toContain("needs Node.js 22");
    expect(r.stderr).toContain("LOADED @pulumi/pulumi");
    expect(r.stderr).toContain("config problems; nothing was created");
  });
});

describe("npm run pulumi", () => {
  const npm = spawnSync("npm", ["--version"], { encoding: "utf8" }).status === 0;

  it.skipIf(!npm)(`runs the pulumi CLI with the project's Node first on PATH${npm ? "" : " (skipped: npm not found)"}`, () => {
    // A stand-in `pulumi` that reports which node its program would run on, found on PATH like the real CLI.
    const bin = mkdtempSync(join(tmpdir(), "mlops-fake-pulumi-"));
    try {
      writeFileSync(join(bin, "pulumi"), '#!/bin/sh\necho "args: $*"\necho "node: $(command -v node) $(node --version)"\n');
      chmodSync(join(bin, "pulumi"), 0o755);
      const r = spawnSync("npm", ["run", "--silent", "pulumi", "--", "up", "--stack", "dev"], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, PATH: [bin, "/usr/local/bin", "/usr/bin", "/bin"].join(delimiter) },
        timeout: 60_000,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain("args: up --stack dev");
      expect(r.stdout).toContain(`node: ${join(ROOT, "node_modules", ".bin", "node")} v${MIN_NODE_MAJOR}.`);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
