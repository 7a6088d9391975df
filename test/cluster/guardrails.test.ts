/**
 * The platform's runtime rules (charts/guardrails) on a real API server, each hole the issue found closed and
 * kept closed: externalIPs and ExternalName Services, platform-owned objects and service accounts in a team
 * namespace, long-lived token Secrets, workload templates that could never get a pod, image registries.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refusal } from "../../scripts/cluster/kube-client";
import { guardrailPolicyName, guardrailRules } from "../../charts/guardrails";
import { PLATFORM_OWNED_LABELS } from "../../domain/ownership";
import { adminClient, eventually } from "./planned";
import { ALLOWED_IMAGE, container, deployment, expectAdmitted, expectRefused, member, object, pod, readyFixture } from "./fixtures";

const admin = adminClient();
const editor = member(admin, "vision", "edit");
const teamAdmin = member(admin, "vision", "admin");

/**
 * The API server enforces a ValidatingAdmissionPolicy only once its policy source has compiled the policy and its
 * binding, a moment after both are stored (longer on a loaded machine). Probes for several rules, by dry run,
 * must all be refused before any test asserts a refusal.
 */
async function guardrailsEnforcing(): Promise<void> {
  const probes = [
    () => admin.create(object("v1", "Service", "vision", "probe", { spec: { ports: [{ port: 80 }], externalIPs: ["203.0.113.10"] } }), { dryRun: true }),
    () => editor.create(object("v1", "Service", "vision", "probe", { spec: { type: "ExternalName", externalName: "x.example.com" } }), { dryRun: true }),
    () =>
      editor.create(
        object("v1", "Secret", "vision", "probe", {
          type: "kubernetes.io/service-account-token",
          metadata: { name: "probe", namespace: "vision", annotations: { "kubernetes.io/service-account.name": "team-workload" } },
        }),
        { dryRun: true },
      ),
    () => editor.create(deployment("vision", "probe", { containers: [{ name: "c", image: ALLOWED_IMAGE }] }), { dryRun: true }),
  ];
  const enforcing = await eventually(async () => ((await Promise.all(probes.map((probe) => probe()))).every((r) => r.status === 403) ? true : undefined), 60);
  if (!enforcing) throw new Error("the guardrail policies were not enforced within 60 s of being applied");
}

beforeAll(async () => {
  await readyFixture(admin);
  await guardrailsEnforcing();
});
afterAll(() => admin.close());

describe("the admission policies themselves", () => {
  const names = guardrailRules({ imageRegistries: ["registry.example.com/ml"] }).map((r) => guardrailPolicyName(r.name));

  it("are all on the server, bound to Deny, and type-check cleanly against the kinds they match", async () => {
    expect(names.length).toBeGreaterThanOrEqual(6);
    for (const name of names) {
      const policy = await eventually(async () => {
        const got = await admin.request("GET", `/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/${name}`);
        return got.body?.status?.observedGeneration ? got.body : undefined;
      });
      expect(policy, name).toBeDefined();
      expect(policy.status.typeChecking?.expressionWarnings ?? [], name).toEqual([]);
      const binding = await admin.request("GET", `/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/${name}`);
      expect(binding.body.spec.validationActions, name).toEqual(["Deny"]);
    }
  });

  it("leave cluster-scoped objects alone: a ClusterRole labelled as the platform's is created (its request has no namespace)", async () => {
    // The label matches the platform-owned rule's condition; a rule matching only namespaced kinds never evaluates it.
    const role = object("rbac.authorization.k8s.io/v1", "ClusterRole", undefined, "probe-cluster-scoped", {
      metadata: { name: "probe-cluster-scoped", labels: { ...PLATFORM_OWNED_LABELS } },
      rules: [],
    });
    expectAdmitted(await admin.create(role, { dryRun: true }));
  });
});

describe("hole 1: Services that intercept or alias traffic", () => {
  const service = (namespace: string, spec: object) =>
    object("v1", "Service", namespace, "svc", { spec: { selector: { app: "x" }, ports: [{ port: 80 }], ...spec } });

  it("refuses spec.externalIPs to a team editor and to a cluster admin alike (CVE-2020-8554)", async () => {
    const message =
      /may not set spec.externalIPs \(CVE-2020-8554\): a Service stays inside the cluster; with the access section, a team's models are served through the platform's gateway \(teams\[\]\.modelEndpoints\)/;
    expectRefused(await editor.create(service("vision", { externalIPs: ["203.0.113.10"] }), { dryRun: true }), message);
    expectRefused(await admin.create(service("default", { externalIPs: ["203.0.113.10"] }), { dryRun: true }), message);
  });

  it("refuses ExternalName Services in team namespaces, and only there", async () => {
    const alias = { type: "ExternalName", externalName: "attacker.example.com", selector: undefined, ports: undefined };
    expectRefused(await editor.create(service("vision", alias), { dryRun: true }), /may not hold ExternalName Services/);
    expectAdmitted(await admin.create(service("mlflow", alias), { dryRun: true }));
  });

  it("admits a plain ClusterIP Service (the control)", async () => {
    expectAdmitted(await editor.create(service("vision", {}), { dryRun: true }));
  });
});

describe("hole 2: what the platform put into the team namespace", () => {
  const owned = [
    ["the object-store credentials Secret", object("v1", "Secret", "vision", "object-store-credentials")],
    ["the Evidently write-token Secret", object("v1", "Secret", "vision", "evidently-token")],
    ["the drift script ConfigMap", object("v1", "ConfigMap", "vision", "model-drift-script")],
    ["the drift CronJob", object("batch/v1", "CronJob", "vision", "drift-churn")],
  ] as const;

  it.each(owned)("a team editor may read %s", async (_, target) => {
    expect((await editor.get(target)).status).toBe(200);
  });

  it.each(owned)("a team editor may neither change nor delete %s", async (_, target) => {
    const message = /is managed by the platform \(app.kubernetes.io\/managed-by=mlops-platform\)/;
    expectRefused(await editor.mergePatch(target, { metadata: { annotations: { touched: "yes" } } }), message);
    expectRefused(await editor.remove(target), message);
  });

  it("a team editor cannot rewrite the drift job's image or command", async () => {
    const cronJob = object("batch/v1", "CronJob", "vision", "drift-churn");
    const current = (await editor.get(cronJob)).body;
    const template = current.spec.jobTemplate.spec.template.spec;
    template.containers[0].image = ALLOWED_IMAGE;
    template.containers[0].command = ["sh", "-c", "curl attacker"];
    expectRefused(await editor.replace({ ...current, apiVersion: "batch/v1", kind: "CronJob" }), /managed by the platform/);
  });

  it("a team editor cannot pass an object off as the platform's", async () => {
    const forged = object("v1", "ConfigMap", "vision", "forged", {
      metadata: { name: "forged", namespace: "vision", labels: { "app.kubernetes.io/managed-by": "mlops-platform" } },
    });
    expectRefused(await editor.create(forged, { dryRun: true }), /managed by the platform/);
  });

  it("a member of a group whose name holds commas (a directory name) is the team too", async () => {
    const lead = admin.as("lead@example.com", ["CN=vision-leads,OU=Groups,DC=example,DC=com"]);
    const script = object("v1", "ConfigMap", "vision", "model-drift-script");
    expectRefused(await lead.mergePatch(script, { data: { "drift_report.py": "print('pwned')" } }), /managed by the platform/);
    expectRefused(await lead.remove(object("batch/v1", "CronJob", "vision", "drift-churn")), /managed by the platform/);
  });

  it("a team editor cannot pass pods off as the platform's, a drift job's or a KServe predictor's through their labels", async () => {
    const forged = (labels: Record<string, string>) => ({ ...pod("vision", "forged"), metadata: { name: "forged", namespace: "vision", labels } });
    const message = /may not carry the platform's labels/;
    expectRefused(await editor.create(forged({ "app.kubernetes.io/name": "model-drift" }), { dryRun: true }), message);
    expectRefused(await editor.create(forged({ "serving.kserve.io/inferenceservice": "fraud" }), { dryRun: true }), message);
    const template = deployment("vision", "forged", { containers: [container("main")] }, { "app.kubernetes.io/managed-by": "mlops-platform" });
    expectRefused(await editor.create(template, { dryRun: true }), message);
    expectAdmitted(await editor.create(forged({ app: "trainer" }), { dryRun: true }));
  });

  it("a team editor keeps full use of the team's own objects (the control)", async () => {
    const own = object("v1", "ConfigMap", "vision", "own", { data: { a: "b" } });
    expectAdmitted(await editor.create(own));
    expectAdmitted(await editor.mergePatch(own, { data: { a: "c" } }));
    expectAdmitted(await editor.remove(own));
  });

  it("the platform (a cluster admin) still changes what it owns", async () => {
    const script = object("v1", "ConfigMap", "vision", "model-drift-script");
    expectAdmitted(
      await admin.request(
        "PATCH",
        "/api/v1/namespaces/vision/configmaps/model-drift-script?dryRun=All",
        { metadata: { annotations: { touched: "yes" } } },
        "application/merge-patch+json",
      ),
    );
    expect((await admin.get(script)).body.metadata.annotations?.touched).toBeUndefined();
  });
});

describe("hole 3: the team's service accounts", () => {
  it.each(["default", "team-workload"])("a team admin can neither change token mounting on nor delete %s", async (name) => {
    const account = object("v1", "ServiceAccount", "vision", name);
    // vision has pipelines, so its team-workload mounts a token for the runs (charts/team/pipelines.ts): flipping
    // either way is the team's to be refused.
    const planned = (await admin.get(account)).body.automountServiceAccountToken;
    expect(planned).toBe(name === "team-workload");
    expectRefused(await teamAdmin.mergePatch(account, { automountServiceAccountToken: !planned }), /managed by the platform/);
    expectRefused(await teamAdmin.remove(account), /managed by the platform/);
    expect((await admin.get(account)).body.automountServiceAccountToken).toBe(planned);
  });

  it("a team admin still makes service accounts of the team's own", async () => {
    expectAdmitted(await teamAdmin.create(object("v1", "ServiceAccount", "vision", "trainer"), { dryRun: true }));
  });

  it("nobody in the team mints a long-lived token Secret", async () => {
    const tokenSecret = object("v1", "Secret", "vision", "token", {
      type: "kubernetes.io/service-account-token",
      metadata: { name: "token", namespace: "vision", annotations: { "kubernetes.io/service-account.name": "team-workload" } },
    });
    expectRefused(await editor.create(tokenSecret, { dryRun: true }), /mint no long-lived service account tokens/);
  });
});

describe("hole 4: workloads that would never get a pod are refused at admission, saying what to add", () => {
  it("refuses a Deployment without the restricted security context, naming each missing field and container", async () => {
    const bare = deployment("vision", "bare", { containers: [{ name: "train", image: ALLOWED_IMAGE }] });
    const refused = await editor.create(bare, { dryRun: true });
    expectRefused(refused, /restricted Pod Security: set securityContext.runAsNonRoot: true \(on the pod or the container\) on container\(s\) train/);
    expect(refusal(refused)).toContain("securityContext.allowPrivilegeEscalation: false on container(s) train");
    expect(refusal(refused)).toContain("securityContext.capabilities.drop: [ALL] on container(s) train");
    expect(refusal(refused)).toContain("securityContext.seccompProfile.type: RuntimeDefault");
  });

  it("names only the containers at fault, init containers included", async () => {
    const mixed = deployment("vision", "mixed", { initContainers: [{ name: "fetch", image: ALLOWED_IMAGE }], containers: [container("train")] });
    const refused = await editor.create(mixed, { dryRun: true });
    expectRefused(refused, /allowPrivilegeEscalation: false on container\(s\) fetch(;|$)/);
    expect(refusal(refused)).not.toContain("train");
  });

  it("refuses a CronJob's template the same way, and host namespaces and hostPath volumes", async () => {
    const cronJob = object("batch/v1", "CronJob", "vision", "nightly", {
      spec: {
        schedule: "0 2 * * *",
        jobTemplate: { spec: { template: { spec: { restartPolicy: "Never", hostNetwork: true, containers: [container("job")] } } } },
      },
    });
    expectRefused(await editor.create(cronJob, { dryRun: true }), /remove hostNetwork, hostPID and hostIPC/);
    const withHostPath = deployment("vision", "hp", { containers: [container("train")], volumes: [{ name: "root", hostPath: { path: "/" } }] });
    expectRefused(await editor.create(withHostPath, { dryRun: true }), /use only configMap, .* volumes, not root/);
  });

  it("admits a compliant Deployment, whose pod then exists (pod-level settings count for every container)", async () => {
    const podLevel = {
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
      containers: [{ name: "train", image: ALLOWED_IMAGE, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }],
    };
    const good = deployment("vision", "good", podLevel);
    try {
      expectAdmitted(await editor.create(good));
      const replicas = await eventually(async () => ((await admin.get(good)).body?.status?.replicas > 0 ? true : undefined));
      expect(replicas).toBe(true);
    } finally {
      await admin.remove(good);
    }
  });
});

describe("image registries (the fixture admits registry.example.com/ml)", () => {
  it("refuses a pod from another registry, or from Docker Hub by a short name, naming the image in full", async () => {
    const hub = pod("vision", "hub", { containers: [container("main", { image: "python:3.12" })] });
    expectRefused(
      await editor.create(hub, { dryRun: true }),
      /images must come from registry.example.com\/ml.*not allowed here: docker.io\/library\/python:3.12/,
    );
    const elsewhere = pod("vision", "elsewhere", { containers: [container("main", { image: "registry.example.com/other/tool:1" })] });
    expectRefused(await editor.create(elsewhere, { dryRun: true }), /not allowed here: registry.example.com\/other\/tool:1/);
  });

  it("resolves Docker Hub names as the runtime does, and matches repository paths exactly", async () => {
    const image = (ref: string) => pod("vision", "img", { containers: [container("main", { image: ref })] });
    expectRefused(await editor.create(image("index.docker.io/python:3.12"), { dryRun: true }), /not allowed here: docker.io\/library\/python:3.12/);
    expectRefused(await editor.create(image("acme/trainer:1"), { dryRun: true }), /not allowed here: docker.io\/acme\/trainer:1/);
    expectRefused(await editor.create(image("registry.example.com/mlevil/x:1"), { dryRun: true }), /not allowed here: registry.example.com\/mlevil\/x:1/);
    expectAdmitted(await editor.create(image("registry.example.com/ml@sha256:" + "a".repeat(64)), { dryRun: true }));
    expectAdmitted(await editor.create(image("Registry.Example.com/ml/trainer:1.0"), { dryRun: true }));
  });

  it("refuses an image volume from another registry (model weights are code too)", async () => {
    const weights = pod("vision", "weights", {
      containers: [container("main", { volumeMounts: [{ name: "weights", mountPath: "/weights" }] })],
      volumes: [{ name: "weights", image: { reference: "docker.io/attacker/weights:1" } }],
    });
    expectRefused(await editor.create(weights, { dryRun: true }), /not allowed here: docker.io\/attacker\/weights:1/);
  });

  it("refuses a Deployment template with such an image at creation", async () => {
    const hub = deployment("vision", "hub", { containers: [container("main", { image: "docker.io/library/busybox:1.37" })] });
    expectRefused(await editor.create(hub, { dryRun: true }), /not allowed here: docker.io\/library\/busybox:1.37/);
  });

  it("refuses a debug container (kubectl debug) from another registry, and admits a restricted one from the allowed registry", async () => {
    const target = pod("vision", "debug-target");
    try {
      expectAdmitted(await editor.create(target));
      const debug = (image: string) =>
        editor.request(
          "PATCH",
          "/api/v1/namespaces/vision/pods/debug-target/ephemeralcontainers",
          { spec: { ephemeralContainers: [{ ...container("debugger"), image, targetContainerName: "main" }] } },
          "application/strategic-merge-patch+json",
        );
      expectRefused(await debug("busybox:1.37"), /not allowed here: docker.io\/library\/busybox:1.37/);
      expectAdmitted(await debug(`${ALLOWED_IMAGE}`));
    } finally {
      await admin.remove(target);
    }
  });

  it("admits the platform's own drift job: a Job made from the drift CronJob gets its pod, into which the team cannot debug", async () => {
    const cronJob = (await admin.get(object("batch/v1", "CronJob", "vision", "drift-churn"))).body;
    const job = object("batch/v1", "Job", "vision", "drift-churn-manual", {
      metadata: { name: "drift-churn-manual", namespace: "vision", labels: cronJob.spec.jobTemplate.metadata?.labels },
      spec: cronJob.spec.jobTemplate.spec,
    });
    try {
      expectAdmitted(await admin.create(job));
      const active = await eventually(async () => ((await admin.get(job)).body?.status?.active > 0 ? true : undefined));
      expect(active, "the job controller created no pod: Pod Security, quota or the registry rule refused it").toBe(true);
      const pods = await admin.request("GET", "/api/v1/namespaces/vision/pods?labelSelector=job-name%3Ddrift-churn-manual");
      const driftPod = pods.body.items[0].metadata.name as string;
      const debug = await editor.request(
        "PATCH",
        `/api/v1/namespaces/vision/pods/${driftPod}/ephemeralcontainers`,
        { spec: { ephemeralContainers: [{ ...container("debugger"), targetContainerName: "report" }] } },
        "application/strategic-merge-patch+json",
      );
      expectRefused(debug, /is managed by the platform/);
    } finally {
      await admin.request("DELETE", "/apis/batch/v1/namespaces/vision/jobs/drift-churn-manual?propagationPolicy=Background");
    }
  });
});

describe("objects made before a rule", () => {
  it("keep taking metadata and scale updates, and are judged again only when their pod template changes", async () => {
    const legacy = object("v1", "Namespace", undefined, "legacy", {
      metadata: { name: "legacy", labels: { "pod-security.kubernetes.io/enforce": "privileged" } },
    });
    const old = object("apps/v1", "ReplicaSet", "legacy", "old", {
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: "old" } },
        template: { metadata: { labels: { app: "old" } }, spec: { containers: [{ name: "c", image: "busybox:1.37" }] } },
      },
    });
    try {
      expectAdmitted(await admin.create(legacy));
      expectAdmitted(await admin.create(old));
      // The namespace turns restricted after the fact, as when the platform takes over an existing cluster.
      expectAdmitted(await admin.mergePatch(legacy, { metadata: { labels: { "pod-security.kubernetes.io/enforce": "restricted" } } }));
      expectAdmitted(await admin.mergePatch(old, { metadata: { labels: { touched: "yes" }, finalizers: ["example.com/hold"] } }));
      expectAdmitted(await admin.mergePatch(old, { metadata: { finalizers: null }, spec: { replicas: 0 } }));
      const changed = await admin.mergePatch(old, { spec: { template: { spec: { containers: [{ name: "c", image: "busybox:1.38" }] } } } });
      expectRefused(changed, /restricted Pod Security: set .*securityContext.allowPrivilegeEscalation: false/);
    } finally {
      await admin.remove(legacy);
    }
  });
});

describe("eviction (granted to edit)", () => {
  it("a team editor evicts a pod of the team's own", async () => {
    const target = pod("vision", "evictable");
    expectAdmitted(await editor.create(target));
    const eviction = await editor.request("POST", "/api/v1/namespaces/vision/pods/evictable/eviction", {
      apiVersion: "policy/v1",
      kind: "Eviction",
      metadata: { name: "evictable", namespace: "vision" },
    });
    expectAdmitted(eviction);
    await admin.remove(target);
  });
});
