/** Reading stack files: invalid YAML and unknown stacks become `file:line:column: what is wrong`, never a crash. */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatFileProblem, MAX_ALIAS_COUNT, parseStackFile, readStackFile, SECRET_PLACEHOLDER } from "../../scripts/plan/stack-file";
import { validateStackConfig } from "../../config/loader";
import { TODAY } from "../helpers/stack";

const problems = (text: string) => {
  const r = parseStackFile(text, "stacks/Pulumi.x.yaml");
  expect(r.ok, "the file should have been refused").toBe(false);
  return r.ok ? [] : r.problems.map(formatFileProblem);
};

describe("parseStackFile", () => {
  it("a syntax error names the file, line and column", () => {
    expect(problems("config:\n  mlops-platform:teams: [a, b\n  mlops-platform:owner: x\n")).toEqual([
      "stacks/Pulumi.x.yaml:3:3: Flow sequence in block collection must be sufficiently indented and end with a ]",
    ]);
  });

  it("a duplicate key names the key", () => {
    expect(problems("config:\n  mlops-platform:environment: dev\n  mlops-platform:owner: a\n  mlops-platform:environment: prod\n")).toEqual([
      "stacks/Pulumi.x.yaml:4:3: duplicate key mlops-platform:environment: a key may appear only once in a mapping",
    ]);
  });

  it("a second document, a key that lost its indentation, or nesting past reason each get their own answer", () => {
    expect(problems("config:\n  mlops-platform:owner: a\n---\nconfig: {}\n")).toEqual([
      "stacks/Pulumi.x.yaml:3:1: a stack file holds one YAML document: remove the extra ---",
    ]);
    expect(problems("config:\n  mlops-platform:owner: a\nmlops-platform:teams: []\n")).toEqual([
      "stacks/Pulumi.x.yaml:3:1: unknown top-level key mlops-platform:teams: stack settings go under config: (indented by two spaces)",
    ]);
    const deep = `config:\n  mlops-platform:teams: ${"[".repeat(5000)}${"]".repeat(5000)}\n`;
    expect(problems(deep)).toEqual([expect.stringMatching(/^stacks\/Pulumi\.x\.yaml:2:\d+: nests too deeply to read/)]);
  });

  it("a YAML tag such as !Ref is refused: it would be dropped silently", () => {
    expect(problems("config:\n  mlops-platform:owner: !Ref x\n")).toEqual([
      "stacks/Pulumi.x.yaml:2:25: Unresolved tag: !Ref: a stack file holds plain data, without YAML tags",
    ]);
  });

  it("keeps Infinity and NaN visible as text, where JSON would write null", () => {
    const r = parseStackFile("config:\n  mlops-platform:owner: .inf\n  mlops-platform:teams: [{ quota: { gpu: .nan } }]\n", "f");
    expect(r.ok && r.config.values).toEqual({ "mlops-platform:owner": "Infinity", "mlops-platform:teams": '[{"quota":{"gpu":"NaN"}}]' });
  });

  it("an alias bomb stops at the alias budget, pointing at the first alias", () => {
    const levels = ["  a: &a [x, x, x, x, x, x, x, x, x]"];
    for (const [from, to] of [
      ["a", "b"],
      ["b", "c"],
      ["c", "d"],
      ["d", "e"],
    ])
      levels.push(`  ${to}: &${to} [${Array(9).fill(`*${from}`).join(", ")}]`);
    const [only] = problems(`config:\n${levels.join("\n")}\n`);
    expect(only).toMatch(new RegExp(`^stacks/Pulumi\\.x\\.yaml:3:\\d+: aliases expand beyond the ${MAX_ALIAS_COUNT} nodes a stack file may hold`));
  });

  it("a file that is not a mapping, or whose config is not one, says what a stack file is", () => {
    expect(problems("- a\n- b\n")).toEqual(["stacks/Pulumi.x.yaml:1:1: a stack file is a mapping with a config: block"]);
    expect(problems("config: 5\n")).toEqual(["stacks/Pulumi.x.yaml:1:9: config: must be a mapping of <namespace>:<key> entries"]);
  });

  it("a valid file keeps secure values masked and marks their keys secret; a few aliases are fine", () => {
    const r = parseStackFile("config:\n  aws:secretKey:\n    secure: AAAB\n  mlops-platform:owner: &o team\n  mlops-platform:costCenter: *o\n", "f");
    expect(r).toEqual({
      ok: true,
      config: {
        values: { "aws:secretKey": SECRET_PLACEHOLDER, "mlops-platform:owner": "team", "mlops-platform:costCenter": "team" },
        secretKeys: ["aws:secretKey"],
      },
    });
  });

  it("merge keys (<<: *base) are applied, as Pulumi's reader applies them", () => {
    const text = 'config:\n  mlops-platform:aws:\n    <<: &base { region: us-east-1, accountId: "111122223333" }\n    region: eu-central-1\n';
    const r = parseStackFile(text, "f");
    expect(r.ok && JSON.parse(r.config.values["mlops-platform:aws"])).toEqual({ region: "eu-central-1", accountId: "111122223333" });
  });

  it("a credential used as a top-level or duplicate key is named by its kind, never spelt out", () => {
    const stray = problems("config: {}\nAKIAIOSFODNN7EXAMPLE: x\n");
    expect(stray).toEqual([
      "stacks/Pulumi.x.yaml:2:1: unknown top-level key (one that looks like an AWS access key ID; not repeated here, and rotate it if it was real): stack settings go under config: (indented by two spaces)",
    ]);
    const duplicate = problems("config:\n  AKIAIOSFODNN7EXAMPLE: x\n  AKIAIOSFODNN7EXAMPLE: y\n");
    expect(duplicate.join("\n")).toContain("duplicate key (one that looks like an AWS access key ID");
    expect([...stray, ...duplicate].join("\n")).not.toContain("AKIAIOSFODNN7EXAMPLE");
  });

  it("a credential used as a config key is not echoed by the loader either", () => {
    const values = { "mlops-platform:AKIAIOSFODNN7EXAMPLE": "x", "AKIAIOSFODNN7EXAMPLE:region": "y", ghp_0123456789abcdefghijABCDEFGHIJ0123456789: "z" };
    const v = validateStackConfig(values, new Set(), { today: TODAY });
    const found = v.ok ? [] : v.problems;
    expect(found.filter((p) => p.path === "config" && /has a key that looks like (an AWS access key ID|a GitHub token)/.test(p.message))).toHaveLength(3);
    expect(JSON.stringify(found)).not.toMatch(/AKIAIOSFODNN7EXAMPLE|ghp_0123/);
  });

  it("an empty value arrives as null, which the loader reports as empty", () => {
    const r = parseStackFile("config:\n  mlops-platform:owner:\n", "f");
    expect(r.ok && r.config.values).toEqual({ "mlops-platform:owner": "null" });
    const v = validateStackConfig(r.ok ? r.config.values : {}, new Set(), { today: TODAY });
    expect(v.ok ? [] : v.problems).toContainEqual({ path: "owner", message: "is empty (null): give it a value or remove the key" });
  });
});

describe("readStackFile", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "mlops-stack-file-"));
    writeFileSync(join(dir, "Pulumi.one.yaml"), "config: {}\n");
    writeFileSync(join(dir, "Pulumi.two.yaml"), "config: {}\n");
    mkdirSync(join(dir, "Pulumi.folder.yaml"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a folder or an unreadable file by a stack's name is a problem of that stack, not a crash", () => {
    const r = readStackFile("folder", dir);
    expect(r.ok ? [] : r.problems.map(formatFileProblem)).toEqual([`${join(dir, "Pulumi.folder.yaml")}: is a folder, not a stack file`]);
  });

  it("an unknown stack lists the stacks there, with no position", () => {
    const r = readStackFile("three", dir);
    expect(r.ok ? [] : r.problems.map(formatFileProblem)).toEqual([`${join(dir, "Pulumi.three.yaml")}: no such stack file; stacks: folder, one, two`]);
  });
});
