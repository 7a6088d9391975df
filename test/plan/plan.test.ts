import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { manifestPath } from "../../scripts/plan/extract";
import { planDocument, summary, writePlan } from "../../scripts/plan/report";
import { runPlan, type PlanResult } from "../../scripts/plan/run";
import { clone, fixtureStack, fixtureStackConfig, fixtureStacks, stackConfig, TODAY } from "../helpers/stack";

const STACKS = fixtureStacks();
const results = new Map<string, PlanResult>();
let outRoot: string;

beforeAll(async () => {
  for (const stack of STACKS) results.set(stack, await runPlan(stack, { stackConfig: fixtureStackConfig(stack), today: TODAY }));
  outRoot = mkdtempSync(join(tmpdir(), "mlops-plan-test-"));
});

afterAll(() => {
  if (outRoot) rmSync(outRoot, { recursive: true, force: true });
});

const get = (stack: string) => results.get(stack)!;

describe("fixture stacks", () => {
  it("are the four documented environments", () => {
    expect(STACKS).toEqual(expect.arrayContaining(["dev", "local", "prod", "staging"]));
  });

  describe.each(STACKS)("stack %s", (stack) => {
    it("plans without config problems, schema problems or duplicate URNs", () => {
      const r = get(stack);
      expect(r.problems).toEqual([]);
      expect(r.schemaProblems).toEqual([]);
      expect(r.duplicateUrns).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.resources.length).toBeGreaterThan(0);
      expect(new Set(r.resources.map((x) => x.urn)).size).toBe(r.resources.length);
    });

    it("parents everything except providers and top-level components, to a recorded resource", () => {
      const r = get(stack);
      const urns = new Set(r.resources.map((x) => x.urn));
      for (const res of r.resources) {
        if (res.parent === null) {
          const allowed = res.type.startsWith("pulumi:providers:") || (res.type.startsWith("mlops:") && !res.custom);
          expect(allowed, `${res.urn} has no parent`).toBe(true);
        } else {
          expect(urns.has(res.parent), `${res.urn}'s parent ${res.parent}`).toBe(true);
        }
      }
    });

    it("sends every AWS resource through the explicit aws provider and every Kubernetes one through an explicit kubernetes provider", () => {
      const r = get(stack);
      for (const res of r.resources.filter((x) => x.type.startsWith("aws:"))) {
        expect(res.provider, res.urn).toBe(`urn:pulumi:${stack}::mlops-platform::pulumi:providers:aws::aws`);
      }
      const k8sProviders = new Set(r.resources.filter((x) => x.type === "pulumi:providers:kubernetes").map((x) => x.urn));
      for (const res of r.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
        expect(k8sProviders.has(res.provider ?? ""), res.urn).toBe(true);
      }
    });

    it("builds a plan document of { stack, resources: [{urn,type,name,parent,inputs,protect}] }", () => {
      const r = get(stack);
      const doc = planDocument(r);
      expect(doc.stack).toBe(stack);
      expect(doc.resources).toHaveLength(r.resources.length);
      for (const res of doc.resources) expect(Object.keys(res).sort()).toEqual(["inputs", "name", "parent", "protect", "type", "urn"]);
      expect(doc.resources[0]).toEqual({
        urn: r.resources[0].urn,
        type: r.resources[0].type,
        name: r.resources[0].name,
        parent: r.resources[0].parent,
        inputs: r.resources[0].inputs,
        protect: r.resources[0].protect,
      });
      expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
    });

    it("writes plan.json, one parseable manifest per Kubernetes object and one reference per chart", async () => {
      const r = get(stack);
      const dir = await writePlan(r, outRoot);
      expect(dir).toBe(join(outRoot, stack));
      const plan = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8"));
      expect(plan).toEqual(JSON.parse(JSON.stringify(planDocument(r))));
      expect(r.objects.length).toBeGreaterThan(0);
      for (const { object } of r.objects) {
        const rel = manifestPath(object);
        expect(rel).toBe(`${object.metadata?.namespace ?? "_cluster"}.yaml`);
        const file = join(dir, "manifests", rel);
        expect(existsSync(file), file).toBe(true);
        const docs = parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS());
        expect(docs).toContainEqual(JSON.parse(JSON.stringify(object)));
      }
      const written = readdirSync(join(dir, "manifests")).flatMap((f) => parseAllDocuments(readFileSync(join(dir, "manifests", f), "utf8")));
      expect(written).toHaveLength(r.objects.length);
      const manifestCount = readdirSync(join(dir, "manifests"), { recursive: true }).filter((f) => String(f).endsWith(".yaml")).length;
      expect(manifestCount).toBe(new Set(r.objects.map((o) => manifestPath(o.object))).size);
      expect(readdirSync(join(dir, "charts")).sort()).toEqual(r.charts.map((c) => `${c.release}.yaml`).sort());
      for (const c of r.charts) {
        const ref = parse(readFileSync(join(dir, "charts", `${c.release}.yaml`), "utf8"));
        expect(ref).toMatchObject({ release: c.release, repo: c.repo, chart: c.chart, version: c.version });
        expect(ref.values).toEqual(JSON.parse(JSON.stringify(c.values)));
        expect(ref.urn).toBeUndefined();
      }
    });

    it("summarizes resources, charts and what the offline plan cannot know", () => {
      const r = get(stack);
      const text = summary(r, "/some/dir");
      expect(text).toContain(`Offline plan of stack "${stack}"`);
      expect(text).toContain("What this plan cannot know");
      // The lines per cluster kind: test/plan/report.test.ts.
      if (r.config?.cluster.kind === "eks") expect(text).toMatch(/input value\(s\) wait on values the cloud assigns.*<computed:\.\.\.>/);
      expect(text).toContain(`Kubernetes objects: ${r.objects.length}`);
      for (const c of r.charts) expect(text).toContain(`${c.chart}@${c.version}`);
      expect(text).toContain(`total`);
      expect(text).toContain(String(r.resources.length));
      expect(text).toContain("Written to /some/dir/");
    });
  });
});

describe("stack shapes", () => {
  it("plans the GPU operator everywhere and AWS only for EKS stacks", () => {
    for (const stack of STACKS) {
      const r = get(stack);
      const eks = r.config?.cluster.kind === "eks";
      expect(
        r.resources.some((x) => x.type === "pulumi:providers:aws"),
        stack,
      ).toBe(eks);
      expect(
        r.charts.map((c) => c.release),
        stack,
      ).toContain("gpu-operator");
      expect(
        r.charts.some((c) => c.release === "cluster-autoscaler"),
        stack,
      ).toBe(eks);
    }
  });

  it("records computed placeholders for cloud-assigned values", () => {
    const doc = JSON.stringify(planDocument(get("prod")));
    expect(doc).toContain("<computed:mlops-prod.endpoint>");
    expect(doc).toContain("<computed:account-id>");
  });
});

describe("a config with errors", () => {
  let broken: PlanResult;

  beforeAll(async () => {
    const cfg = clone(fixtureStack("prod"));
    (cfg.cluster as Record<string, unknown>).version = "1.20";
    (cfg.network as Record<string, unknown>).natGateways = "single";
    cfg.surprise = true;
    broken = await runPlan("prod", { stackConfig: stackConfig(cfg), today: TODAY });
  });

  it("returns ok false with every problem and plans nothing", () => {
    expect(broken.ok).toBe(false);
    expect(broken.problems.length).toBeGreaterThan(0);
    expect(broken.problems.map((p) => p.path)).toContain("surprise");
    expect(broken.resources).toEqual([]);
    expect(broken.objects).toEqual([]);
    expect(broken.charts).toEqual([]);
    expect(broken.config).toBeUndefined();
  });

  it("lists the problems with their paths in the summary", () => {
    const text = summary(broken);
    expect(text).toContain('stack "prod"');
    expect(text).toContain("nothing was created");
    for (const p of broken.problems) expect(text).toContain(`  - ${p.path}: ${p.message}`);
  });

  it("reports semantic problems by path once the schema passes", async () => {
    const cfg = clone(fixtureStack("prod"));
    (cfg.cluster as Record<string, unknown>).version = "1.20";
    (cfg.network as Record<string, unknown>).natGateways = "single";
    const r = await runPlan("prod", { stackConfig: stackConfig(cfg), today: TODAY });
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.path).sort()).toEqual(["cluster.version", "network.natGateways"]);
    expect(r.resources).toEqual([]);
  });
});
