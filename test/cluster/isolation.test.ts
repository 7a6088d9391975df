/**
 * Team isolation as the API server enforces it, acting as members of a team's view, edit and admin groups:
 * Pod Security, LimitRange defaults and bounds, quota, other teams' and platform namespaces, RBAC escalation,
 * token minting, and the objects the platform owns. Dry runs admit a request in full without storing it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refusal } from "../../scripts/cluster/kube-client";
import { adminClient, eventually } from "./planned";
import { MODEL_DRIFT_PUSHGATEWAY_POD_LABELS } from "../../charts/team/network";
import { container, expectAdmitted, expectRefused, member, object, pod, readyFixture } from "./fixtures";

const admin = adminClient();
const editor = member(admin, "vision", "edit");
const teamAdmin = member(admin, "vision", "admin");
const viewer = member(admin, "vision", "view");

beforeAll(() => readyFixture(admin));
afterAll(() => admin.close());

describe("Pod Security (restricted) as a team editor", () => {
  it("admits a compliant pod (the control for every refusal below)", async () => {
    expectAdmitted(await editor.create(pod("vision", "ok"), { dryRun: true }));
  });

  it.each([
    [
      "privileged",
      {
        containers: [container("main", { securityContext: { ...(container().securityContext as object), privileged: true, allowPrivilegeEscalation: true } })],
      },
      /privileged/,
    ],
    ["hostPath", { volumes: [{ name: "host", hostPath: { path: "/" } }] }, /hostPath/],
    ["root", { containers: [container("main", { securityContext: { ...(container().securityContext as object), runAsUser: 0 } })] }, /runAsUser=0/],
    ["hostNetwork", { hostNetwork: true }, /host namespaces/],
    ["hostPID", { hostPID: true }, /host namespaces/],
    ["no securityContext", { containers: [{ name: "main", image: "registry.example.com/ml/trainer:1.0" }] }, /allowPrivilegeEscalation != false/],
  ])("refuses a %s pod", async (_, spec, message) => {
    expectRefused(
      await editor.create(pod("vision", "bad", spec), { dryRun: true }),
      new RegExp(`violates PodSecurity "restricted:v1\\.35".*${message.source}`),
    );
  });
});

describe("LimitRange team-limits", () => {
  it("fills in the team's default requests and limits", async () => {
    const created = await editor.create(pod("vision", "defaults"), { dryRun: true });
    expectAdmitted(created);
    expect(created.body.spec.containers[0].resources).toEqual({ requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } });
  });

  it("refuses a container above the maximum or below the minimum", async () => {
    const sized = (resources: object) => pod("vision", "sized", { containers: [container("main", { resources })] });
    expectRefused(await editor.create(sized({ limits: { cpu: "3" } }), { dryRun: true }), "maximum cpu usage per Container is 2, but limit is 3");
    expectRefused(
      await editor.create(sized({ requests: { memory: "8Mi" } }), { dryRun: true }),
      "minimum memory usage per Container is 16Mi, but request is 8Mi",
    );
  });
});

describe("ResourceQuota team-quota", () => {
  const wide = (n: number, resources: object) => pod("vision", "wide", { containers: [...Array(n).keys()].map((i) => container(`c${i}`, { resources })) });

  it.each([
    ["CPU", wide(3, { requests: { cpu: "2" }, limits: { cpu: "2" } }), "requests.cpu=6", "requests.cpu=4"],
    // vision has pipelines: its quota is the config's plus its own KFP control plane's (charts/team/pipelines.ts).
    ["memory", wide(3, { requests: { memory: "4Gi" }, limits: { memory: "4Gi" } }), "requests.memory=12Gi", "requests.memory=9986Mi"],
  ])("refuses a pod over the team's %s", async (_, overQuota, requested, limited) => {
    const refused = await editor.create(overQuota, { dryRun: true });
    expectRefused(refused, "exceeded quota: team-quota");
    expect(refusal(refused)).toContain(requested);
    expect(refusal(refused)).toContain(limited);
  });

  it("leaves GPUs to the team's queue: a GPU pod that names none is refused by the queue rule, in every team", async () => {
    const gpuPod = (namespace: string) =>
      pod(namespace, "gpu", { containers: [container("main", { resources: { requests: { "nvidia.com/gpu": "2" }, limits: { "nvidia.com/gpu": "2" } } })] });
    const unqueued = (team: "vision" | "nlp") =>
      eventually(async () => {
        const response = await member(admin, team, "edit").create(gpuPod(team), { dryRun: true });
        return response.status === 403 ? response : undefined;
      }, 25);
    for (const team of ["vision", "nlp"] as const) {
      const refused = await unqueued(team);
      expect(refused, `the queue rule did not refuse ${team}'s GPU pod within 25 s`).toBeDefined();
      if (refused)
        expectRefused(
          refused,
          new RegExp(
            `'mlops-gpu-queues' .*denied request: Pod gpu requests GPUs \\(main\\) but names no queue: .*add the label kueue.x-k8s.io/queue-name: ${team} to metadata.labels`,
          ),
        );
    }
  });

  it("refuses a claim over the team's storage", async () => {
    const claim = object("v1", "PersistentVolumeClaim", "vision", "big", {
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "30Gi" } } },
    });
    expectRefused(await editor.create(claim, { dryRun: true }), /exceeded quota: team-quota.*requests.storage=30Gi.*limited: .*requests.storage=20Gi/);
  });

  it.each([
    ["LoadBalancer", "services.loadbalancers"],
    ["NodePort", "services.nodeports"],
  ])("refuses a %s Service", async (type, key) => {
    const service = object("v1", "Service", "vision", "exposed", { spec: { type, selector: { app: "x" }, ports: [{ port: 80 }] } });
    expectRefused(await editor.create(service, { dryRun: true }), new RegExp(`exceeded quota: team-quota.*${key}=1.*limited: .*${key}=0`));
  });

  it("refuses the pod and the claim past the team's counts (the team's Pushgateway pod counts too)", async () => {
    const platformPods = await platformPodsCounted();
    expect(platformPods).toBeGreaterThan(0);
    // 6 of the config and 7 of vision's own KFP control plane (charts/team/pipelines.ts).
    const pods = [...Array(13 - platformPods).keys()].map((i) => pod("vision", `count-${i}`));
    const claims = [0, 1].map((i) =>
      object("v1", "PersistentVolumeClaim", "vision", `claim-${i}`, { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }),
    );
    try {
      for (const p of [...pods, ...claims]) expectAdmitted(await editor.create(p));
      expectRefused(await editor.create(pod("vision", "count-over")), /exceeded quota: team-quota.*pods=1.*limited: .*pods=13/);
      const third = object("v1", "PersistentVolumeClaim", "vision", "claim-2", {
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
      });
      expectRefused(await editor.create(third), /exceeded quota: team-quota.*persistentvolumeclaims=1.*limited: .*persistentvolumeclaims=2/);
    } finally {
      for (const p of [...pods, ...claims]) await admin.remove(p);
      // Leave the quota as found for the next file: the controller recounts after the deletions.
      await eventually(async () => {
        const used = (await admin.get(object("v1", "ResourceQuota", "vision", "team-quota"))).body?.status?.used ?? {};
        return used.pods === String(platformPods) && used.persistentvolumeclaims === "0" ? true : undefined;
      });
    }
  });
});

/**
 * The pods the platform runs in vision (its drift Pushgateway, made by the controller from the planned Deployment),
 * once they exist and the quota controller has counted them: the quota a team has left is what they leave.
 */
async function platformPodsCounted(): Promise<number> {
  const selector = Object.entries(MODEL_DRIFT_PUSHGATEWAY_POD_LABELS)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const counted = await eventually(async () => {
    const platform = (await admin.request("GET", `/api/v1/namespaces/vision/pods?labelSelector=${encodeURIComponent(selector)}`)).body?.items?.length ?? 0;
    const used = (await admin.get(object("v1", "ResourceQuota", "vision", "team-quota"))).body?.status?.used ?? {};
    return platform > 0 && used.pods === String(platform) ? platform : undefined;
  });
  if (counted === undefined) throw new Error("the team's Pushgateway pod never appeared in the quota's count");
  return counted;
}

describe("other namespaces", () => {
  it.each([
    ["another team's pods", "GET", "/api/v1/namespaces/nlp/pods"],
    ["another team's secrets", "GET", "/api/v1/namespaces/nlp/secrets"],
    ["a platform namespace's secrets", "GET", "/api/v1/namespaces/mlflow/secrets"],
    ["kube-system", "GET", "/api/v1/namespaces/kube-system/pods"],
    ["the namespace list", "GET", "/api/v1/namespaces"],
    ["pods of every namespace", "GET", "/api/v1/pods"],
    ["nodes", "GET", "/api/v1/nodes"],
  ])("a team admin cannot read %s", async (_, method, path) => {
    expect((await teamAdmin.request(method, path)).status).toBe(403);
  });

  it("a team editor cannot create in another team's or a platform namespace", async () => {
    for (const namespace of ["nlp", "mlflow", "default"]) {
      expectRefused(await editor.create(object("v1", "ConfigMap", namespace, "x", { data: { a: "b" } }), { dryRun: true }), /forbidden/);
    }
  });

  it("the other team is as closed to the first", async () => {
    expect((await member(admin, "nlp", "admin").request("GET", "/api/v1/namespaces/vision/configmaps")).status).toBe(403);
  });
});

describe("no escalation from inside the namespace", () => {
  it.each([
    [
      "create a Role",
      object("rbac.authorization.k8s.io/v1", "Role", "vision", "mine", { rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }] }),
    ],
    [
      "bind the admin ClusterRole",
      object("rbac.authorization.k8s.io/v1", "RoleBinding", "vision", "mine", {
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
        subjects: [{ kind: "Group", name: "vision-editors", apiGroup: "rbac.authorization.k8s.io" }],
      }),
    ],
    [
      "bind cluster-admin cluster-wide",
      object("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", undefined, "mine", {
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
        subjects: [{ kind: "Group", name: "vision-admins", apiGroup: "rbac.authorization.k8s.io" }],
      }),
    ],
  ])("a team admin cannot %s", async (_, rbacObject) => {
    expectRefused(await teamAdmin.create(rbacObject, { dryRun: true }), /forbidden/);
  });

  it("a team admin cannot widen the team's own roles or bindings", async () => {
    const role = object("rbac.authorization.k8s.io/v1", "Role", "vision", "team-edit");
    expectRefused(await teamAdmin.mergePatch(role, { rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }] }), /forbidden/);
    const binding = object("rbac.authorization.k8s.io/v1", "RoleBinding", "vision", "team-admin");
    expectRefused(await teamAdmin.remove(binding), /forbidden/);
  });

  it("no role can mint a token for a service account", async () => {
    for (const who of [viewer, editor, teamAdmin]) {
      const token = await who.request("POST", "/api/v1/namespaces/vision/serviceaccounts/team-workload/token", {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenRequest",
        spec: { audiences: ["https://kubernetes.default.svc.cluster.local"] },
      });
      expect(token.status).toBe(403);
    }
  });

  it.each([
    ["impersonate", "", "users", ""],
    ["impersonate", "", "groups", ""],
    ["impersonate", "", "serviceaccounts", ""],
    ["escalate", "rbac.authorization.k8s.io", "roles", ""],
    ["bind", "rbac.authorization.k8s.io", "clusterroles", ""],
    ["create", "", "serviceaccounts", "token"],
    ["create", "certificates.k8s.io", "certificatesigningrequests", ""],
  ])("no team role may %s %s/%s %s", async (verb, group, resource, subresource) => {
    for (const who of [viewer, editor, teamAdmin]) {
      const review = await who.request("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectAccessReview",
        spec: { resourceAttributes: { namespace: "vision", verb, group, resource, subresource } },
      });
      expect(review.status).toBe(201);
      expect(review.body.status.allowed, `${who.identity?.user} may ${verb} ${resource}`).toBe(false);
    }
  });
});

describe("what the platform set up stays as set up (RBAC)", () => {
  it.each([
    [
      "relabel the namespace to privileged",
      () =>
        teamAdmin.mergePatch(object("v1", "Namespace", undefined, "vision"), { metadata: { labels: { "pod-security.kubernetes.io/enforce": "privileged" } } }),
    ],
    [
      "raise the quota",
      () => teamAdmin.mergePatch(object("v1", "ResourceQuota", "vision", "team-quota"), { spec: { hard: { "requests.nvidia.com/gpu": "8" } } }),
    ],
    ["delete the limits", () => teamAdmin.remove(object("v1", "LimitRange", "vision", "team-limits"))],
    ["delete the default-deny network policy", () => teamAdmin.remove(object("networking.k8s.io/v1", "NetworkPolicy", "vision", "default-deny"))],
    [
      "add a network policy",
      () =>
        teamAdmin.create(object("networking.k8s.io/v1", "NetworkPolicy", "vision", "allow-all", { spec: { podSelector: {}, egress: [{}] } }), { dryRun: true }),
    ],
    ["delete the namespace", () => teamAdmin.remove(object("v1", "Namespace", undefined, "vision"))],
  ])("a team admin cannot %s", async (_, attempt) => {
    expectRefused(await attempt(), /forbidden/);
  });
});
