/** Loads our override files from charts/values/ and merges stack-specific values over them. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export const VALUES_DIR = join(__dirname, "values");

export type Values = Record<string, unknown>;

export function loadValuesFile(name: string): Values {
  return (parse(readFileSync(join(VALUES_DIR, `${name}.yaml`), "utf8")) ?? {}) as Values;
}

const isPlainObject = (value: unknown): value is Values => typeof value === "object" && value !== null && !Array.isArray(value);

/** Deep merge as Helm merges values: objects merge key by key, arrays and scalars are replaced. */
export function mergeValues(base: Values, ...overrides: Values[]): Values {
  const out: Values = { ...base };
  for (const o of overrides) {
    for (const [k, v] of Object.entries(o)) {
      out[k] = isPlainObject(v) && isPlainObject(out[k]) ? mergeValues(out[k] as Values, v) : v;
    }
  }
  return out;
}

/** The version a values file says it was written for (its first-line header), to catch stale overrides. */
export function valuesFileChartVersion(name: string): string | undefined {
  const header = readFileSync(join(VALUES_DIR, `${name}.yaml`), "utf8").split("\n", 1)[0];
  return /\bv?\d+\.\d+\.\d+\b/.exec(header.replace(/^.*chart \S+ /, ""))?.[0];
}
