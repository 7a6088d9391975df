/** Tables of the README that tests hold the code and the real server to. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { TeamRole } from "../../config/teams";

const README = join(__dirname, "..", "..", "README.md");

/** The rows of the first Markdown table under a heading, as cells. */
export function readmeTable(heading: string): string[][] {
  const lines = readFileSync(README, "utf8").split("\n");
  const start = lines.findIndex((l) => l.replace(/^#+\s*/, "") === heading && l.startsWith("#"));
  if (start < 0) throw new Error(`README has no heading "${heading}"`);
  const first = lines.findIndex((l, i) => i > start && l.startsWith("|"));
  const rows: string[][] = [];
  for (let i = first + 2; i < lines.length && lines[i].startsWith("|"); i++)
    rows.push(
      lines[i]
        .split("|")
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  return rows;
}

export interface RoleRow {
  readonly apiGroup: string;
  readonly resource: string;
  readonly verbs: Readonly<Record<TeamRole, readonly string[]>>;
  readonly only: "" | "outside prod" | "with kserve" | "with pipelines";
}

/** The README's "Team roles" table. */
export function readmeRoleTable(): RoleRow[] {
  const verbs = (cell: string) => (cell === "—" ? [] : cell.split(",").map((v) => v.trim()));
  return readmeTable("Team roles").map(([group, resource, view, edit, admin, only]) => ({
    apiGroup: group === "core" ? "" : group,
    resource,
    verbs: { view: verbs(view), edit: verbs(edit), admin: verbs(admin) },
    only: only as RoleRow["only"],
  }));
}

/** The table's rows for a team with or without kserve, in or outside prod, as `group|resource|verb` triples of one role. */
export function readmeRoleTriples(role: TeamRole, opts: { prod: boolean; kserve: boolean; pipelines?: boolean }): string[] {
  return readmeRoleTable()
    .filter(
      (r) => !(r.only === "outside prod" && opts.prod) && !(r.only === "with kserve" && !opts.kserve) && !(r.only === "with pipelines" && !opts.pipelines),
    )
    .flatMap((r) => r.verbs[role].map((v) => `${r.apiGroup}|${r.resource}|${v}`))
    .sort();
}
