"""Reconciles MLflow's team users, workspaces and roles with teams[] (charts/services/mlflow-teams.ts).

Runs as MLflow's generated admin against the basic-auth app of MLflow 3.17.2 (REST routes of
mlflow/server/auth/routes.py and the workspace handlers of mlflow/server/handlers.py). Standard library
only, so it runs in the upstream image as it is. Idempotent: it reads the server's state first and
changes only what differs, printing one line per change and a final count.

Environment:
  MLFLOW_URL              the server, e.g. http://mlflow:5000
  MLFLOW_ADMIN_DIR        directory with the files admin-username and admin-password
  MLFLOW_TEAMS_INPUT      the JSON input (see mlflow-teams.ts, MlflowTeamsInput)
  MLFLOW_TEAM_PASSWORDS_DIR   directory with one file per team (named after the team) holding its password
  MLFLOW_WAIT_SECONDS     how long to wait for the server and for rotated password files (default 300)
"""

import base64
import hashlib
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


class ApiError(Exception):
    def __init__(self, method, path, status, code):
        # Never the body: MLflow's errors can quote password hashes.
        super().__init__(f"{method} {path}: HTTP {status} {code}")
        self.status = status
        self.code = code


class Client:
    def __init__(self, url, username, password):
        self.url = url.rstrip("/")
        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json"}

    def call(self, method, path, body=None, query=None, workspace=None):
        url = self.url + path + ("?" + urllib.parse.urlencode(query) if query else "")
        data = json.dumps(body).encode() if body is not None else None
        headers = dict(self.headers)
        if workspace:
            headers["X-MLFLOW-WORKSPACE"] = workspace
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as err:
            try:
                code = json.loads(err.read() or b"{}").get("error_code", "")
            except ValueError:
                code = ""
            raise ApiError(method, path, err.code, code) from None
        return json.loads(raw) if raw.strip() else {}


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read().strip()


def wait_for_server(url, deadline):
    while True:
        try:
            with urllib.request.urlopen(url.rstrip("/") + "/health", timeout=10) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            sys.exit(f"MLflow at {url} not healthy in time")
        time.sleep(3)


def team_password(directory, team, digest, deadline):
    """The team's password; waits while the mounted file is older than the input (a Secret still syncing)."""
    path = os.path.join(directory, team)
    while True:
        if os.path.exists(path):
            password = read(path)
            if hashlib.sha256(password.encode()).hexdigest() == digest:
                return password
        if time.monotonic() > deadline:
            sys.exit(f"the password file of team {team} does not match the input (Secret not synced yet?)")
        time.sleep(5)


def password_works(url, username, password):
    try:
        Client(url, username, password).call("GET", "/api/2.0/mlflow/users/current")
        return True
    except ApiError as err:
        if err.status == 401:
            return False
        raise


def perm_key(p):
    return (p["resource_type"], p["resource_pattern"])


class Reconciler:
    def __init__(self, client, url, spec):
        self.api = client
        self.url = url
        self.spec = spec
        self.changes = 0

    def change(self, message):
        self.changes += 1
        print(message, flush=True)

    def workspaces(self):
        existing = {w["name"] for w in self.api.call("GET", "/api/3.0/mlflow/workspaces").get("workspaces", [])}
        for team in self.spec["teams"]:
            if team["workspace"] not in existing:
                self.api.call("POST", "/api/3.0/mlflow/workspaces", {"name": team["workspace"], "description": f"Team {team['team']}"})
                self.change(f"created workspace {team['workspace']}")

    def role(self, team):
        """The platform's role in the team's workspace, with exactly the input's permissions; returns its id."""
        name = self.spec["role"]
        roles = self.api.call("GET", "/api/3.0/mlflow/roles/list", query={"workspace": team["workspace"]}).get("roles", [])
        role = next((r for r in roles if r["name"] == name), None)
        if role is None:
            body = {"name": name, "workspace": team["workspace"], "description": self.spec["roleDescription"]}
            role = self.api.call("POST", "/api/3.0/mlflow/roles/create", body)["role"]
            self.change(f"created role {name} in workspace {team['workspace']}")
        have = {perm_key(p): p for p in role.get("permissions", [])}
        want = {perm_key(p): p for p in team["permissions"]}
        for key, p in want.items():
            current = have.get(key)
            if current is None:
                self.api.call("POST", "/api/3.0/mlflow/roles/permissions/add", {"role_id": role["id"], **p})
                self.change(f"granted {p['permission']} on {key[0]} {key[1]} to role {name} in {team['workspace']}")
            elif current["permission"] != p["permission"]:
                body = {"role_permission_id": current["id"], "permission": p["permission"]}
                self.api.call("PATCH", "/api/3.0/mlflow/roles/permissions/update", body)
                self.change(f"changed {key[0]} {key[1]} to {p['permission']} in role {name} in {team['workspace']}")
        for key, p in have.items():
            if key not in want:
                self.api.call("DELETE", "/api/3.0/mlflow/roles/permissions/remove", {"role_permission_id": p["id"]})
                self.change(f"removed {key[0]} {key[1]} from role {name} in {team['workspace']}")
        return role["id"]

    def user(self, team, users, role_id, password):
        username = team["user"]
        user = users.get(username)
        if user is None:
            body = {"username": username, "password": password}
            user = {**self.api.call("POST", "/api/2.0/mlflow/users/create", body)["user"], "roles": []}
            self.change(f"created user {username}")
        elif not password_works(self.url, username, password):
            self.api.call("PATCH", "/api/2.0/mlflow/users/update-password", {"username": username, "password": password})
            self.change(f"set the generated password of {username}")
        if user.get("is_admin"):
            self.api.call("PATCH", "/api/2.0/mlflow/users/update-admin", {"username": username, "is_admin": False})
            self.change(f"removed admin from {username}")
        # The platform owns team users: its role, plus the user's own per-user role in its workspace (MLflow
        # keeps there the MANAGE grants on what the user created); any other role was granted by hand.
        roles = user.get("roles", [])
        if role_id not in {r["id"] for r in roles}:
            self.api.call("POST", "/api/3.0/mlflow/roles/assign", {"username": username, "role_id": role_id})
            self.change(f"assigned role {self.spec['role']} in {team['workspace']} to {username}")
        own = f"__user_{user.get('id')}__"
        for other in roles:
            if other["id"] != role_id and not (other["name"] == own and other["workspace"] == team["workspace"]):
                self.api.call("DELETE", "/api/3.0/mlflow/roles/unassign", {"username": username, "role_id": other["id"]})
                self.change(f"unassigned role {other['name']} in {other['workspace']} from {username}")

    def leftovers(self, users):
        """Users of teams no longer listed go; their workspaces and data stay (only an admin deletes data)."""
        wanted = {t["user"] for t in self.spec["teams"]}
        for username in sorted(users):
            if username.startswith(self.spec["userPrefix"]) and username not in wanted:
                self.api.call("DELETE", "/api/2.0/mlflow/users/delete", {"username": username})
                self.change(f"deleted user {username}")
        kept = {t["workspace"] for t in self.spec["teams"]}
        for role in self.api.call("GET", "/api/3.0/mlflow/roles/list").get("roles", []):
            if role["name"] == self.spec["role"] and role["workspace"] not in kept:
                self.api.call("DELETE", "/api/3.0/mlflow/roles/delete", {"role_id": role["id"]})
                self.change(f"deleted role {role['name']} in workspace {role['workspace']}")

    def run(self, passwords):
        self.workspaces()
        users = {u["username"]: u for u in self.api.call("GET", "/api/2.0/mlflow/users/list").get("users", [])}
        for team in self.spec["teams"]:
            self.user(team, users, self.role(team), passwords[team["team"]])
        self.leftovers(users)


def main():
    url = os.environ["MLFLOW_URL"]
    wait = int(os.environ.get("MLFLOW_WAIT_SECONDS", "300"))
    deadline = time.monotonic() + wait
    with open(os.environ["MLFLOW_TEAMS_INPUT"], encoding="utf-8") as f:
        spec = json.load(f)
    admin_dir = os.environ["MLFLOW_ADMIN_DIR"]
    password_dir = os.environ.get("MLFLOW_TEAM_PASSWORDS_DIR", "")
    passwords = {t["team"]: team_password(password_dir, t["team"], t["passwordSha256"], deadline) for t in spec["teams"]}
    wait_for_server(url, deadline)
    client = Client(url, read(os.path.join(admin_dir, "admin-username")), read(os.path.join(admin_dir, "admin-password")))
    reconciler = Reconciler(client, url, spec)
    reconciler.run(passwords)
    print(f"{reconciler.changes} changes for {len(spec['teams'])} teams", flush=True)


if __name__ == "__main__":
    main()
