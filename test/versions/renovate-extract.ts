/**
 * What Renovate's regex custom managers (renovate.json) extract from a file, and what its default replacement
 * writes back, reimplemented for the tests: a catalogue entry none of the managers sees would never get a bump.
 * Renovate matches each matchString over the whole file (RE2, JavaScript syntax, no lookaround or
 * backreferences), fills each field from its template or the named group of that name, and on an update
 * replaces every occurrence of the old version inside the matched text (lib/workers/repository/update/branch/
 * auto-replace.ts, doAutoReplace without autoReplaceStringTemplate).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const REPO_ROOT = join(__dirname, "..", "..");

export interface RegexManager {
  readonly customType: string;
  readonly description?: string;
  readonly managerFilePatterns: readonly string[];
  readonly matchStrings: readonly string[];
  readonly datasourceTemplate?: string;
  readonly depNameTemplate?: string;
  readonly packageNameTemplate?: string;
  readonly versioningTemplate?: string;
  readonly registryUrlTemplate?: string;
  readonly [other: string]: unknown;
}

export interface PackageRule {
  readonly matchManagers?: readonly string[];
  readonly matchPackageNames?: readonly string[];
  readonly matchDepNames?: readonly string[];
  readonly matchUpdateTypes?: readonly string[];
  readonly groupName?: string;
  readonly enabled?: boolean;
  readonly [other: string]: unknown;
}

export interface RenovateConfig {
  readonly customManagers: readonly RegexManager[];
  readonly packageRules: readonly PackageRule[];
  readonly [other: string]: unknown;
}

export interface ExtractedDep {
  /** Index of the manager in customManagers. */
  readonly manager: number;
  readonly depName?: string;
  readonly packageName?: string;
  readonly currentValue?: string;
  readonly datasource?: string;
  readonly versioning?: string;
  readonly registryUrl?: string;
  /** The matched text, which Renovate rewrites on an update. */
  readonly replaceString: string;
  readonly index: number;
}

export const loadRenovateConfig = (): RenovateConfig => JSON.parse(readFileSync(join(REPO_ROOT, "renovate.json"), "utf8")) as RenovateConfig;

/** A managerFilePatterns entry: `/regex/` (the form this repository uses) or a glob (not used here, so rejected). */
export function filePatternRegex(pattern: string): RegExp {
  const regex = /^\/(.+)\/([a-z]*)$/.exec(pattern);
  if (!regex) throw new Error(`managerFilePatterns entry ${pattern} is a glob; this repository writes them as /regex/`);
  return new RegExp(regex[1], regex[2]);
}

/** Renders `{{{group}}}` placeholders, the only template syntax renovate.json uses. */
export function renderTemplate(template: string, groups: Readonly<Record<string, string | undefined>>): string {
  return template.replace(/\{\{\{\s*(\w+)\s*\}\}\}/g, (_all, name: string) => groups[name] ?? "");
}

const FIELDS = ["depName", "packageName", "currentValue", "datasource", "versioning", "registryUrl"] as const;

/** The dependencies the managers that match `path` extract from `content`. */
export function extractDeps(config: RenovateConfig, path: string, content: string): ExtractedDep[] {
  return config.customManagers.flatMap((manager, index) => {
    if (!manager.managerFilePatterns.some((p) => filePatternRegex(p).test(path))) return [];
    return manager.matchStrings.flatMap((source) =>
      [...content.matchAll(new RegExp(source, "g"))].map((match) => {
        const groups = { ...(match.groups ?? {}) };
        const fields: Record<string, string | undefined> = {};
        for (const field of FIELDS) {
          const template = manager[`${field}Template`];
          fields[field] = typeof template === "string" ? renderTemplate(template, groups) : groups[field];
        }
        return { manager: index, ...fields, replaceString: match[0], index: match.index ?? 0 };
      }),
    );
  });
}

/** The file after Renovate's default replacement of `dep` with `newValue`. */
export function autoReplace(content: string, dep: ExtractedDep, newValue: string): string {
  const current = dep.currentValue ?? "";
  const replaced = dep.replaceString.split(current).join(newValue);
  return content.slice(0, dep.index) + replaced + content.slice(dep.index + dep.replaceString.length);
}
