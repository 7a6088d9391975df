/** From `helm template` output to inventory content: the objects' facts and the hooks the provider drops. */
import { parseAllDocuments } from "yaml";
import { objectFacts } from "./facts";
import type { ScopeOf } from "./scope";
import type { DroppedHook } from "./store";

type Obj = Record<string, any>;

const HOOK = "helm.sh/hook";

/** The documents of a rendered stream that are objects (helm emits empty documents for disabled templates). */
export function renderedObjects(text: string): Obj[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as unknown)
    .filter((o): o is Obj => typeof o === "object" && o !== null && typeof (o as Obj).kind === "string" && typeof (o as Obj).apiVersion === "string");
}

export const isHook = (obj: Obj): boolean => typeof obj.metadata?.annotations?.[HOOK] === "string";

export function hookOf(obj: Obj): DroppedHook {
  const events = String(obj.metadata.annotations[HOOK])
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "")
    .sort();
  return { kind: String(obj.kind), name: String(obj.metadata?.name), events };
}

const byKindAndName = (left: { kind: string; name?: string }, right: { kind: string; name?: string }) =>
  left.kind.localeCompare(right.kind) || (left.name ?? "").localeCompare(right.name ?? "");

/** Facts of the objects the provider registers (hooks excluded, as helm.v4.Chart renders with hooks disabled). */
export function inventoryContent(rendered: readonly Obj[], releaseNamespace: string, scopeOf?: ScopeOf): { objects: Obj[]; hooks: DroppedHook[] } {
  const objects = rendered
    .filter((o) => !isHook(o))
    .map((o) => objectFacts(o, releaseNamespace, scopeOf))
    .sort((a, b) =>
      byKindAndName(
        { kind: a.kind, name: `${a.metadata?.namespace ?? ""}/${a.metadata?.name}` },
        { kind: b.kind, name: `${b.metadata?.namespace ?? ""}/${b.metadata?.name}` },
      ),
    );
  const hooks = rendered.filter(isHook).map(hookOf).sort(byKindAndName);
  return { objects, hooks };
}
