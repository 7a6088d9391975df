/**
 * One object store identity per consumer (domain/object-store-identities.ts): what each may reach on the local
 * stack's SeaweedFS, checked as data, with team names generated.
 */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  identityActions,
  OBJECT_STORE_ADMIN,
  objectStoreIdentities,
  s3IdentitiesConfig,
  teamIdentityName,
  type ObjectStoreIdentity,
} from "../../domain/object-store-identities";
import { OBJECT_STORE_NAMESPACE } from "../../domain/platform-namespaces";
import { DATA_BUCKET_KINDS } from "../../domain/storage-naming";

const ALL = { mlflow: true, teams: ["recsys", "vision"] };
const byName = (ids: readonly ObjectStoreIdentity[], name: string) => ids.find((i) => i.name === name) as ObjectStoreIdentity;
/** The bucket/path part of a scoped action, e.g. `datasets/teams/a/*` of `Read:datasets/teams/a/*`. */
const scopeOf = (action: string) => action.slice(action.indexOf(":") + 1);
/** Team names as config allows them: DNS labels that are not platform namespaces. */
const teamName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/).filter((n) => !["mlflow", "feast", "object-store"].includes(n));

describe("object store identities", () => {
  it("the admin first, in the object store's namespace, then MLflow and one per team in its own namespace (Feast stores use their team's)", () => {
    const ids = objectStoreIdentities(ALL);
    expect(ids.map((i) => [i.name, i.namespace])).toEqual([
      [OBJECT_STORE_ADMIN, OBJECT_STORE_NAMESPACE],
      ["mlflow", "mlflow"],
      ["team-recsys", "recsys"],
      ["team-vision", "vision"],
    ]);
    expect(objectStoreIdentities({ mlflow: false, teams: [] }).map((i) => i.name)).toEqual([OBJECT_STORE_ADMIN]);
  });

  it("MLflow reaches only mlflow/ of the artifacts bucket, as its EKS role; Feast has no identity of its own", () => {
    const ids = objectStoreIdentities(ALL);
    expect(identityActions(byName(ids, "mlflow"))).toEqual(["Read:artifacts/mlflow/*", "Write:artifacts/mlflow/*", "List:artifacts/mlflow/*"]);
    expect(ids.map((i) => i.name)).not.toContain("feast");
  });

  it("a team reaches teams/<team>/ of each data bucket: read, write (delete included) and list there", () => {
    const team = byName(objectStoreIdentities(ALL), teamIdentityName("recsys"));
    expect(identityActions(team)).toEqual(
      DATA_BUCKET_KINDS.flatMap((b) => [`Read:${b}/teams/recsys/*`, `Write:${b}/teams/recsys/*`, `List:${b}/teams/recsys/*`]),
    );
  });

  it("no identity but the admin has Admin or an action without a bucket/prefix scope", () => {
    fc.assert(
      fc.property(fc.uniqueArray(teamName, { maxLength: 6 }), fc.boolean(), (teams, mlflow) => {
        const ids = objectStoreIdentities({ mlflow, teams });
        expect(ids.filter((i) => i.admin).map((i) => [i.name, i.namespace])).toEqual([[OBJECT_STORE_ADMIN, OBJECT_STORE_NAMESPACE]]);
        for (const id of ids.filter((i) => !i.admin)) {
          const actions = identityActions(id);
          expect(actions.length).toBeGreaterThan(0);
          // Scoped to a prefix: `<Action>:<bucket>/<prefix>/*`, never a bare action, a whole bucket or Admin.
          for (const action of actions) expect(action).toMatch(/^(Read|Write|List):(datasets|artifacts|models)\/[a-z0-9-]+\/([a-z0-9-]+\/)?\*$/);
        }
      }),
    );
  });

  it("team A's identity names no path of team B, whatever the names (one is never a prefix of the other's)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(teamName, { minLength: 2, maxLength: 6 }), (teams) => {
        const ids = objectStoreIdentities({ mlflow: true, teams }).filter((i) => !i.admin);
        // Every key a's patterns match starts with a's scope; when no scope of b starts with one of a's, no key is both.
        const overlaps = ids.flatMap((a) =>
          ids
            .filter((b) => b !== a)
            .flatMap((b) =>
              identityActions(a).flatMap((mine) => identityActions(b).filter((theirs) => scopeOf(theirs).startsWith(scopeOf(mine).slice(0, -1)))),
            ),
        );
        expect(overlaps).toEqual([]);
      }),
    );
  });

  it("each identity's keys go to exactly one namespace, and no two identities share one", () => {
    fc.assert(
      fc.property(fc.uniqueArray(teamName, { maxLength: 6 }), (teams) => {
        const namespaces = objectStoreIdentities({ mlflow: true, teams }).map((i) => i.namespace);
        expect(new Set(namespaces).size).toBe(namespaces.length);
      }),
    );
    expect(() => objectStoreIdentities({ mlflow: true, teams: ["mlflow"] })).toThrow("object store identities share namespaces mlflow");
  });

  it("the identities file: each identity with its own keys and actions, and no identity without keys", () => {
    const ids = objectStoreIdentities({ mlflow: true, teams: ["recsys"] });
    const keys = Object.fromEntries(ids.map((i) => [i.name, { accessKey: `AK-${i.name}`, secretKey: `SK-${i.name}` }]));
    const file = JSON.parse(s3IdentitiesConfig(ids, keys));
    expect(file.identities).toEqual(
      ids.map((i) => ({ name: i.name, credentials: [{ accessKey: `AK-${i.name}`, secretKey: `SK-${i.name}` }], actions: identityActions(i) })),
    );
    expect(file.identities[0].actions).toEqual(["Admin", "Read", "Write", "List", "Tagging"]);
    expect(() => s3IdentitiesConfig(ids, { [OBJECT_STORE_ADMIN]: keys[OBJECT_STORE_ADMIN] })).toThrow("object store identity mlflow has no keys");
  });
});
