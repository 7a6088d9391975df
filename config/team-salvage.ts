/** What parses of a `teams[]` entry that failed its schema, so every rule whose fields parsed still runs. */
import { z } from "zod";
import { teamSchema, type TeamInput } from "./team-schema";

/** One `egress.allow` entry. */
export type EgressRule = NonNullable<NonNullable<TeamInput["egress"]>["allow"]>[number];

/**
 * A team as far as it parsed. A team with a schema problem still gets every rule whose fields did parse, so
 * one pull-request round shows everything: fields that failed are absent and named in `invalid` (a top-level
 * key such as "limits", or "quota.cpu", "owners.view", "egress.allow[1]"), and rules that read them stay
 * silent. An egress entry that failed is a hole (undefined), so the others keep their index. A valid TeamInput
 * is a draft with nothing invalid.
 */
export type TeamDraft = Partial<Omit<TeamInput, "quota" | "owners" | "egress">> & {
  readonly quota?: Partial<TeamInput["quota"]>;
  readonly owners?: Partial<TeamInput["owners"]>;
  readonly egress?: { readonly internetHttps?: boolean; readonly allow?: readonly (EgressRule | undefined)[] };
  readonly invalid?: ReadonlySet<string>;
};

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/** Each field of `raw` that `shape` knows, parsed on its own; failures go to `invalid` as `<prefix><key>`. */
function parseFields(shape: Record<string, z.ZodType>, raw: Record<string, unknown>, prefix: string, invalid: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(shape)) {
    if (!(key in raw)) continue;
    const r = schema.safeParse(raw[key]);
    if (r.success) out[key] = r.data;
    else invalid.add(`${prefix}${key}`);
  }
  return out;
}

/** Parses what it can of one `teams[]` entry, down to quota keys, owner roles and egress entries. */
export function salvageTeam(raw: unknown): TeamDraft | undefined {
  const whole = teamSchema.safeParse(raw);
  if (whole.success) return whole.data;
  if (!isRecord(raw)) return undefined;
  const invalid = new Set<string>();
  const draft = parseFields(teamSchema.shape, raw, "", invalid);
  if (invalid.has("quota")) {
    const quota = isRecord(raw.quota) ? raw.quota : {};
    draft.quota = parseFields(teamSchema.shape.quota.shape, quota, "quota.", invalid);
    for (const key of Object.keys(teamSchema.shape.quota.shape)) if (!(key in quota)) invalid.add(`quota.${key}`);
  }
  if (invalid.has("owners") && isRecord(raw.owners)) {
    const roles = teamSchema.shape.owners.shape;
    draft.owners = parseFields({ admin: roles.admin, edit: roles.edit, view: roles.view }, raw.owners, "owners.", invalid);
    // A misspelt role (`admins`) is reported as an unknown key; it may well be the one that names somebody.
    for (const key of Object.keys(raw.owners)) if (!(key in roles)) invalid.add(`owners.${key}`);
  }
  if (invalid.has("egress") && isRecord(raw.egress)) {
    const egress = teamSchema.shape.egress.unwrap().shape;
    const allow = Array.isArray(raw.egress.allow) ? raw.egress.allow : [];
    draft.egress = {
      ...parseFields({ internetHttps: egress.internetHttps }, raw.egress, "egress.", invalid),
      allow: allow.map((entry, j) => {
        const r = egress.allow.unwrap().element.safeParse(entry);
        if (!r.success) invalid.add(`egress.allow[${j}]`);
        return r.data;
      }),
    };
  }
  return { ...draft, invalid };
}
