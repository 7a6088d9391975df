"""One call of Feast's SDK against a remote registry, as a team's client makes it (scripts/cluster/feast-server.ts).

Environment: FEAST_REGISTRY (host:port), FEAST_PROJECT, FEAST_TOKEN (sent as the bearer token, auth type oidc),
FEAST_ACTION (list-entities | apply-entity | apply-permission | list-permissions | delete-project), FEAST_NAME (what to apply).
Prints one JSON line: {"ok": true, "names": [...]} or {"ok": false, "error": "<type>: <message>"}.
"""

import json
import os
import sys
import tempfile

from feast import Entity, FeatureStore, RepoConfig


def main():
    work = tempfile.mkdtemp()
    config = RepoConfig(
        project=os.environ["FEAST_PROJECT"],
        provider="local",
        registry={"registry_type": "remote", "path": os.environ["FEAST_REGISTRY"]},
        online_store={"type": "remote", "path": "http://127.0.0.1:1"},
        auth={"type": "oidc", "token": os.environ["FEAST_TOKEN"]},
        entity_key_serialization_version=3,
        repo_path=work,
    )
    store = FeatureStore(config=config)
    action = os.environ["FEAST_ACTION"]
    try:
        if action == "list-entities":
            names = [e.name for e in store.list_entities(allow_cache=False)]
        elif action == "apply-entity":
            store.registry.apply_entity(Entity(name=os.environ["FEAST_NAME"], join_keys=["id"]), project=store.project, commit=True)
            names = [os.environ["FEAST_NAME"]]
        elif action == "apply-permission":
            from feast.permissions.permission import Permission
            from feast.permissions.policy import NamespaceBasedPolicy

            # What a team would try: open its project to another namespace.
            mine = Permission(name=os.environ["FEAST_NAME"], types=[Entity], policy=NamespaceBasedPolicy(namespaces=["elsewhere"]))
            store.registry.apply_permission(mine, project=store.project, commit=True)
            names = [mine.name]
        elif action == "list-permissions":
            names = [p.name for p in store.list_permissions(allow_cache=False)]
        elif action == "delete-project":
            # What would open a project: its deletion takes its permission rows with it (sql.py delete_project).
            store.registry.delete_project(store.project, commit=True)
            names = [store.project]
        else:
            raise SystemExit(f"unknown action {action}")
    except Exception as e:  # The test asserts on refusals: report them, do not crash.
        print(json.dumps({"ok": False, "error": f"{type(e).__name__}: {e}"[:2000]}))
        return 0
    print(json.dumps({"ok": True, "names": sorted(names)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
