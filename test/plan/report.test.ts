/**
 * What the offline plan writes and prints: manifests and chart references as YAML without line folding (so a
 * script in a ConfigMap reads line for line as it is), and a "cannot know" list for the stack's cluster kind.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, visit } from "yaml";
import { DRIFT_SCRIPT_CONFIGMAP, driftScript } from "../../charts/services/drift";
import { cannotKnowLines, summary, writePlan, planJsonChunks } from "../../scripts/plan/report";
import { runPlan, type PlanResult } from "../../scripts/plan/run";
import { readStackConfig } from "../../scripts/plan/stack-file";
import { stackConfig, TODAY } from "../helpers/stack";

const FIXTURES = join(__dirname, "..", "fixtures", "stacks");
const TEAM = "drift-team";

/** An existing-cluster stack with one team watching one model: the drift script ConfigMap lands in its namespace. */
const EXISTING_WITH_DRIFT = {
  environment: "local",
  costCenter: "ml-platform",
  owner: "platform-team",
  cluster: { kind: "existing", name: "mlops-report", version: "1.35", context: "kind-mlops" },
  storage: { objectStore: { enabled: true } },
  teams: [
    {
      name: TEAM,
      costCenter: "ml-platform",
      owners: { admin: { groups: ["drift-admins"] } },
      quota: { cpu: "4", memory: "16Gi", gpu: 0, storage: "50Gi", persistentVolumeClaims: 5, pods: 20 },
      services: ["evidently"],
      modelMonitors: [{ name: "churn", reference: "churn/reference.parquet", current: "churn/current.parquet" }],
    },
  ],
};

let existing: PlanResult;
let eks: PlanResult;
let outRoot: string;
let dir: string;

beforeAll(async () => {
  existing = await runPlan("report-existing", { stackConfig: stackConfig(EXISTING_WITH_DRIFT), today: TODAY });
  if (existing.problems.length > 0) throw new Error(JSON.stringify(existing.problems));
  eks = await runPlan("dev", { stackConfig: readStackConfig("dev", FIXTURES), today: TODAY });
  if (eks.problems.length > 0) throw new Error(JSON.stringify(eks.problems));
  outRoot = mkdtempSync(join(tmpdir(), "mlops-report-test-"));
  dir = await writePlan(existing, outRoot);
});

afterAll(() => {
  if (outRoot) rmSync(outRoot, { recursive: true, force: true });
});

/** Every string leaf of a value. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

/**
 * Strings whose lines must each appear whole on one line of the written file: every line of a multi-line
 * string, and every single-line string over 80 characters (where yaml's default folding started). Limited to
 * text that YAML writes without escaping or quoting changes.
 */
function unfoldedLines(values: unknown): string[] {
  return strings(values)
    .flatMap((s) => (s.includes("\n") ? s.split("\n") : s.length > 80 ? [s] : []))
    .filter((line) => line.trim().length > 0 && /^[\x20-\x7e]+$/.test(line) && !/["'\\]/.test(line));
}

/** The lines of `expected` that no single line of the written file contains: each one a folded line. */
function foldedIn(path: string, expected: readonly string[]): string[] {
  const written = readFileSync(path, "utf8").split("\n");
  return expected.filter((line) => !written.some((w) => w.includes(line.trim())));
}

describe("writePlan: YAML without line folding", () => {
  const manifest = () => join(dir, "manifests", `${TEAM}.yaml`);

  it("writes the drift script ConfigMap whose script equals the chart's", () => {
    const docs = parseAllDocuments(readFileSync(manifest(), "utf8")).map((d) => d.toJS());
    const configMap = docs.find((d) => d.kind === "ConfigMap" && d.metadata.name === DRIFT_SCRIPT_CONFIGMAP);
    expect(configMap?.data["drift_report.py"]).toBe(driftScript());
  });

  it("writes the script as a literal block, its lines verbatim and in order", () => {
    const text = readFileSync(manifest(), "utf8");
    const lines = text.split("\n");
    const header = lines.findIndex((l) => /^\s+drift_report\.py: \|[-+]?$/.test(l));
    expect(header, "drift_report.py is a literal `|` block").toBeGreaterThan(-1);
    const indent = " ".repeat(lines[header].search(/\S/) + 2);
    const script = driftScript().replace(/\n$/, "").split("\n");
    expect(script.length).toBeGreaterThan(50);
    const block = lines.slice(header + 1, header + 1 + script.length);
    expect(block).toEqual(script.map((l) => (l === "" ? "" : indent + l)));
  });

  it("folds no long line or multi-line string in any manifest", () => {
    let checked = 0;
    for (const file of readdirSync(join(dir, "manifests"))) {
      const objects = existing.objects.filter((o) => `${o.object.metadata?.namespace ?? "_cluster"}.yaml` === file).map((o) => o.object);
      const expected = unfoldedLines(objects);
      expect(foldedIn(join(dir, "manifests", file), expected), file).toEqual([]);
      checked += expected.length;
    }
    expect(checked).toBeGreaterThan(30);
  });

  it("writes every scalar of every manifest and chart file on one line, or as a literal block", () => {
    const files = [
      ...readdirSync(join(dir, "manifests")).map((f) => join(dir, "manifests", f)),
      ...readdirSync(join(dir, "charts")).map((f) => join(dir, "charts", f)),
    ];
    let scalars = 0;
    const broken: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const doc of parseAllDocuments(text)) {
        visit(doc, {
          Scalar(_key, node) {
            scalars++;
            if (node.type === "BLOCK_LITERAL") return;
            const source = node.range ? text.slice(node.range[0], node.range[1]) : "";
            if (node.type === "BLOCK_FOLDED" || source.includes("\n")) broken.push(`${file}: ${source.slice(0, 60)}`);
          },
        });
      }
    }
    expect(broken).toEqual([]);
    expect(scalars).toBeGreaterThan(1000);
  });

  it("folds nothing in the chart references either: long values stay on one line, multi-line values are literal blocks", async () => {
    const long = `${"a long chart value that yaml would have folded at eighty columns ".repeat(3)}end`;
    const multi = "first line of a multi-line value\n  indented second line, which a folded block would re-wrap\nthird line\n";
    const chart = { ...existing.charts[0], values: { ...existing.charts[0].values, note: long, script: multi } };
    const synthetic = { ...existing, stack: "report-charts", charts: [chart] };
    const out = await writePlan(synthetic, outRoot);
    const file = join(out, "charts", `${chart.release}.yaml`);
    const written = readFileSync(file, "utf8");
    expect(written).toContain(`note: ${long}\n`);
    expect(written).toMatch(
      /\n {2}script: \|\n {4}first line of a multi-line value\n {6}indented second line, which a folded block would re-wrap\n {4}third line\n/,
    );
    const reparsed = parseAllDocuments(written)[0].toJS();
    expect(reparsed.values).toEqual(JSON.parse(JSON.stringify(chart.values)));
    for (const c of existing.charts) expect(foldedIn(join(dir, "charts", `${c.release}.yaml`), unfoldedLines(c.values)), c.release).toEqual([]);
  });
});

describe("summary: what this plan cannot know, for the stack's cluster kind", () => {
  const helm = "what the cluster changes in upstream charts at deploy time";

  it("existing cluster: no AWS lines; what the cluster already has; the Helm line", () => {
    expect(existing.config?.cluster.kind).toBe("existing");
    const text = summary(existing);
    expect(text).toContain("What this plan cannot know");
    expect(text).toContain(helm);
    expect(text).toContain("what the existing cluster already has: CRDs, namespaces");
    expect(text).not.toContain("AWS");
    expect(text).not.toContain("ARNs");
    expect(text).not.toContain("account ID");
    expect(text).not.toContain("the cloud");
  });

  it("EKS: the cloud-assigned values and whether AWS accepts the plan; the Helm line; nothing about existing clusters", () => {
    expect(eks.config?.cluster.kind).toBe("eks");
    const text = summary(eks);
    expect(text).toMatch(/ {2}- [1-9]\d* input value\(s\) wait on values the cloud assigns: IDs, ARNs, endpoints, the account ID/);
    expect(text).toContain("<computed:...>");
    expect(text).toContain(helm);
    expect(text).toContain("whether AWS accepts the plan: service quotas");
    expect(text).not.toContain("existing cluster");
  });

  it("lists exactly the lines of the kind, each once", () => {
    const pick = (r: PlanResult) =>
      cannotKnowLines(r)
        .slice(1)
        .map((l) => l.replace(/^ {2}- \d+ /, "  - N ").split(":")[0]);
    expect(pick(existing)).toEqual([`  - ${helm}`, "  - what the existing cluster already has"]);
    expect(pick(eks)).toEqual(["  - N input value(s) wait on values the cloud assigns", `  - ${helm}`, "  - whether AWS accepts the plan"]);
  });
});

describe("planJsonChunks: plan.json written a resource at a time", () => {
  const resource = (i: number) => ({
    urn: `urn:pulumi:dev::mlops-platform::kubernetes:core/v1:ConfigMap::cm-${i}`,
    type: "kubernetes:core/v1:ConfigMap",
    name: `cm-${i}`,
    parent: i % 2 === 0 ? null : "urn:parent",
    inputs: { data: { script: 'line 1\nline 2 "quoted" é', list: [1, [2, { deep: true }], []], empty: {} }, skipped: undefined },
    protect: i % 3 === 0,
  });

  it.each([0, 1, 2, 7])("is exactly JSON.stringify(document, null, 2) plus a newline, with %i resources", (count) => {
    const document = { stack: "dev", note: "a note with <computed:x.y>", resources: Array.from({ length: count }, (_, i) => resource(i)) };
    expect([...planJsonChunks(document)].join("")).toBe(JSON.stringify(document, null, 2) + "\n");
  });
});
