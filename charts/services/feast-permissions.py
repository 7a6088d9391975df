"""Applies the platform's Permission objects to one team's Feast project (charts/services/feast-permissions.ts).

Runs in the feature server image the Feast operator deploys (Feast 0.66.0), straight against the team's SQL
registry, as the team's registry role: FeatureStore.apply(..., partial=True) adds or updates only the objects it
is given (feast/feature_store.py apply; never a full-sync `feast apply`, which would delete the team's own
objects). Every other Permission of the project is deleted (teams may create none); the team's other objects are
not touched. Idempotent: prints one line per permission and a final count.

Environment:
  FEAST_PERMISSIONS_INPUT   the JSON input (see feast-permissions.ts, FeastPermissionsInput)
  FEAST_REGISTRY_CONFIG     the SQL registry's feature_store.yaml parameters (the store's data-store Secret's
                            `sql` key: path, the SQLAlchemy URL without a password, which libpq's service file holds)
"""

import json
import os
import sys
import tempfile

import yaml

from feast import FeatureStore, Project, RepoConfig
from feast.feast_object import ALL_RESOURCE_TYPES
from feast.permissions.action import AuthzedAction
from feast.permissions.permission import Permission
from feast.permissions.policy import CombinedGroupNamespacePolicy, GroupBasedPolicy

TYPES = {t.__name__: t for t in ALL_RESOURCE_TYPES}


def policy(spec):
    if spec["namespaces"]:
        return CombinedGroupNamespacePolicy(groups=list(spec["groups"]), namespaces=list(spec["namespaces"]))
    return GroupBasedPolicy(groups=list(spec["groups"]))


def permission(spec, tags):
    unknown = [t for t in spec["types"] if t not in TYPES]
    if unknown:
        raise SystemExit(f"permission {spec['name']}: Feast has no resource types {unknown}")
    return Permission(
        name=spec["name"],
        types=[TYPES[t] for t in spec["types"]],
        name_patterns=list(spec["namePatterns"]),
        actions=[AuthzedAction[a] for a in spec["actions"]],
        policy=policy(spec),
        tags=dict(tags),
    )


def main():
    with open(os.environ["FEAST_PERMISSIONS_INPUT"]) as f:
        spec = json.load(f)
    project = spec["project"]
    tags = spec["tags"]
    with open(os.environ["FEAST_REGISTRY_CONFIG"]) as f:
        registry = yaml.safe_load(f)
    # Only the registry is used. The online store is never opened, but Feast's default (sqlite) refuses project
    # names with `-` (repo_config.py), which team names may hold: a remote store, which needs no driver, instead.
    work = tempfile.mkdtemp()
    config = RepoConfig(
        project=project,
        provider="local",
        registry={**registry, "registry_type": "sql", "cache_ttl_seconds": 0},
        online_store={"type": "remote", "path": "http://127.0.0.1:1"},
        entity_key_serialization_version=3,
        repo_path=work,
    )
    store = FeatureStore(config=config)
    wanted = [permission(p, tags) for p in spec["permissions"]]
    names = {p.name for p in wanted}
    existing = store.list_permissions(allow_cache=False)
    # The project's permissions are exactly the platform's: no team may create one (only the admins' grant covers
    # Permission objects), so any other was made before the first run (a project without permissions is open to
    # every authenticated caller) or by hand, and goes.
    for stale in existing:
        if stale.name not in names:
            store.registry.delete_permission(stale.name, project=project, commit=True)
            print(f"deleted permission {stale.name}")
    before = {p.name: p for p in existing}
    store.apply([Project(name=project), *wanted], partial=True)
    changed = 0
    for p in wanted:
        old = before.get(p.name)
        if old is None or old != p:
            changed += 1
            print(f"{'updated' if old else 'created'} permission {p.name}")
    print(f"project {project}: {len(wanted)} permissions, {changed} changed")


if __name__ == "__main__":
    sys.exit(main())
