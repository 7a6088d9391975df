/** Pack-level facts: names, severities, control ids, enforcement table, config files, and import hygiene. */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it, expect } from "vitest";
import { ALL_POLICIES, RESOURCE_POLICIES, STACK_POLICIES } from "../../policies/all";
import { enforcementFor, type Environment } from "../../policies/lib/define";
import { POLICY_CONFIG_DIR, renderPolicyConfig } from "../../scripts/policy-config";

const ROOT = resolve(__dirname, "..", "..");
const POLICIES = join(ROOT, "policies");
const CONTROLS_DOC = readFileSync(join(ROOT, "docs", "security-controls.md"), "utf8");
/** Control ids are the first cell of the document's table rows: "| EKS-01 | …". */
const CONTROL_IDS = new Set([...CONTROLS_DOC.matchAll(/^\| ([A-Z0-9]+-\d+) \|/gm)].map((m) => m[1]));
const ENVS: readonly Environment[] = ["local", "dev", "staging", "prod"];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (f === "node_modules" || f === "config") return [];
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}
/** Every module specifier of a TypeScript source: import/export … from, import(), require(). */
const specifiers = (text: string): string[] =>
  [...text.matchAll(/(?:^|\s)(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\s+["']([^"']+)["']|(?:import|require)\(\s*["']([^"']+)["']\s*\)/gm)].map(
    (m) => m[1] ?? m[2] ?? m[3],
  );

describe("policy metadata", () => {
  it("the pack has every policy once, split into resource and stack policies", () => {
    expect(ALL_POLICIES).toHaveLength(RESOURCE_POLICIES.length + STACK_POLICIES.length);
    for (const p of RESOURCE_POLICIES) expect(typeof (p as { validateResource?: unknown }).validateResource, p.name).toBe("function");
    for (const p of STACK_POLICIES) expect(typeof p.validateStack, p.name).toBe("function");
  });
  it("names are kebab-case and unique", () => {
    const names = ALL_POLICIES.map((p) => p.name);
    for (const n of names) expect(n).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(new Set(names).size).toBe(names.length);
  });
  it.each(ALL_POLICIES.map((p) => [p.name, p] as const))("%s has a description, severity and known control ids", (_name, p) => {
    expect(p.description.length).toBeGreaterThan(20);
    expect(["low", "medium", "high", "critical"]).toContain(p.severity);
    expect(p.controls.length).toBeGreaterThan(0);
    for (const c of p.controls) expect(CONTROL_IDS.has(c), `${p.name}: ${c} is not a row of docs/security-controls.md`).toBe(true);
    expect(p.tags).toEqual([...p.controls]);
    expect(p.enforcementLevel).toBe(enforcementFor(p.severity!, "prod"));
  });
  it("the controls document parse found the control tables", () => {
    expect(CONTROL_IDS.size).toBeGreaterThan(50);
    for (const id of ["EKS-01", "NODE-02", "S3-01", "POD-05", "NS-01", "RBAC-03", "EXP-02", "OPS-05"]) expect(CONTROL_IDS.has(id), id).toBe(true);
  });
});

describe("enforcementFor", () => {
  it.each([
    ["critical", "mandatory", "mandatory", "mandatory", "mandatory"],
    ["high", "advisory", "advisory", "mandatory", "mandatory"],
    ["medium", "advisory", "advisory", "advisory", "advisory"],
    ["low", "advisory", "advisory", "advisory", "advisory"],
  ] as const)("%s: local %s, dev %s, staging %s, prod %s", (severity, local, dev, staging, prod) => {
    expect(ENVS.map((e) => enforcementFor(severity, e))).toEqual([local, dev, staging, prod]);
  });
});

describe("policies/config/<env>.json", () => {
  it.each(ENVS)("%s.json equals renderPolicyConfig (run npm run policy-config after changing the pack)", (env) => {
    const file = join(POLICY_CONFIG_DIR, `${env}.json`);
    expect(existsSync(file), file).toBe(true);
    expect(readFileSync(file, "utf8")).toBe(renderPolicyConfig(env));
  });
  it("holds no files for unknown environments", () => {
    expect(readdirSync(POLICY_CONFIG_DIR).sort()).toEqual(ENVS.map((e) => `${e}.json`).sort());
  });
  it("names every policy with its environment", () => {
    const prod = JSON.parse(renderPolicyConfig("prod")) as Record<string, { enforcementLevel: string; environment: string }>;
    expect(Object.keys(prod).sort()).toEqual(ALL_POLICIES.map((p) => p.name).sort());
    for (const v of Object.values(prod)) expect(v.environment).toBe("prod");
  });
});

describe("pack sources", () => {
  it("policies/index.ts only imports @pulumi/policy and ./all, and constructs the pack", () => {
    const text = readFileSync(join(POLICIES, "index.ts"), "utf8");
    expect(specifiers(text).sort()).toEqual(["./all", "@pulumi/policy"]);
    expect(text).toMatch(/new PolicyPack\(\s*"mlops-platform"\s*,\s*\{\s*policies:\s*ALL_POLICIES\s*\}\s*\)/);
  });
  it("no other module constructs a PolicyPack (it starts a server)", () => {
    for (const f of sources(POLICIES).filter((f) => !f.endsWith("index.ts")))
      expect(readFileSync(f, "utf8"), relative(ROOT, f)).not.toMatch(/new PolicyPack\b/);
  });
  it("nothing under policies/ imports from outside policies/, and npm imports are declared in policies/package.json", () => {
    const pkg = JSON.parse(readFileSync(join(POLICIES, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    const declared = new Set(Object.keys(pkg.dependencies ?? {}));
    const files = sources(POLICIES);
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      for (const s of specifiers(readFileSync(f, "utf8"))) {
        const where = `${relative(ROOT, f)} imports ${s}`;
        if (s.startsWith(".")) {
          const target = resolve(dirname(f), s);
          expect(target === POLICIES || target.startsWith(POLICIES + "/"), where).toBe(true);
        } else {
          expect(s.startsWith("/"), where).toBe(false);
          const pkgName = s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : s.split("/")[0];
          expect(s.startsWith("node:") || declared.has(pkgName), where).toBe(true);
        }
      }
    }
  });
  it("every policy module under aws/ and kubernetes/ is part of the pack", () => {
    const exported = new Set(ALL_POLICIES.map((p) => p.name));
    for (const f of sources(POLICIES).filter((f) => /\/(aws|kubernetes)\//.test(f))) {
      const names = [...readFileSync(f, "utf8").matchAll(/name:\s*"([a-z0-9-]+)"/g)].map((m) => m[1]);
      expect(names.length, relative(ROOT, f)).toBeGreaterThan(0);
      for (const n of names) expect(exported.has(n), `${relative(ROOT, f)}: ${n}`).toBe(true);
    }
  });
});
