/** Workload policies: Pod Security (POD-01..06) and workload hygiene (POD-07..11, NS-05), with the exceptions registry. */
import { describe, it, expect } from "vitest";
import { podSecurity } from "../../policies/kubernetes/pod-security";
import { PLATFORM_NAMESPACES, workloadHygiene } from "../../policies/kubernetes/workload-hygiene";
import { PLATFORM_NAMESPACES as RESERVED } from "../../domain/platform-namespaces";
import { WORKLOAD_TYPES, containersOf, podSpecOf } from "../../policies/lib/k8s";
import { mutate, packViolations, violations } from "./harness";

const DEPLOYMENT_T = "kubernetes:apps/v1:Deployment";
const DAEMONSET_T = "kubernetes:apps/v1:DaemonSet";

const CONTAINER = {
  name: "app",
  image: "111122223333.dkr.ecr.us-east-1.amazonaws.com/recsys/ranker:1.4.2",
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
  resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "1Gi" } },
  env: [
    { name: "LOG_LEVEL", value: "info" },
    // The secret as a mounted file, the variable naming the file (POD-11).
    { name: "DB_PASSWORD_FILE", value: "/etc/db/password" },
    // A folder of mounted secret files (the MLflow team users' passwords).
    { name: "TEAM_PASSWORDS_DIR", value: "/etc/passwords" },
    // An address, not a secret (Grafana's OAuth token endpoint).
    { name: "OAUTH_TOKEN_URL", value: "https://idp.example.com/token" },
    { name: "DB_HOST", valueFrom: { configMapKeyRef: { name: "db", key: "host" } } },
  ],
  envFrom: [{ configMapRef: { name: "ranker-settings" } }],
  volumeMounts: [
    { name: "tmp", mountPath: "/tmp" },
    { name: "db", mountPath: "/etc/db", readOnly: true },
  ],
};
type Spec = Record<string, any>;
const SPEC: Spec = {
  securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
  serviceAccountName: "team-workload",
  containers: [CONTAINER],
  volumes: [
    { name: "tmp", emptyDir: {} },
    { name: "db", secret: { secretName: "db", defaultMode: 0o440, items: [{ key: "password", path: "password" }] } },
  ],
};

/** Wraps a pod spec the way each workload kind carries it. */
function workload(kind: string, spec: Spec, metadata: Record<string, unknown> = { name: "ranker", namespace: "recsys" }): Record<string, unknown> {
  const template = { metadata: { labels: { app: "ranker" } }, spec };
  switch (kind) {
    case "Pod":
      return { apiVersion: "v1", kind, metadata, spec };
    case "CronJob":
      return { apiVersion: "batch/v1", kind, metadata, spec: { schedule: "0 * * * *", jobTemplate: { spec: { template } } } };
    case "Job":
      return { apiVersion: "batch/v1", kind, metadata, spec: { template } };
    default:
      return { apiVersion: "apps/v1", kind, metadata, spec: { selector: { matchLabels: { app: "ranker" } }, template } };
  }
}
const KINDS = WORKLOAD_TYPES.map((t) => [t.split(":").pop()!, t] as const);
const deploy = (change: (s: Spec) => void, metadata?: Record<string, unknown>) => workload("Deployment", mutate(SPEC, change), metadata);
const sec = (change: (s: Spec) => void) => violations(podSecurity, DEPLOYMENT_T, deploy(change));
const hyg = (change: (s: Spec) => void, metadata?: Record<string, unknown>) => violations(workloadHygiene, DEPLOYMENT_T, deploy(change, metadata));

describe("podSpecOf / containersOf", () => {
  it.each(KINDS)("%s: finds the pod spec", (kind, type) => {
    expect(podSpecOf(type, workload(kind, SPEC))).toEqual(SPEC);
  });
  it("lists containers, init containers and ephemeral containers", () => {
    const spec = { containers: [{ name: "a" }], initContainers: [{ name: "b" }], ephemeralContainers: [{ name: "c" }] };
    expect(containersOf(spec).map((r) => `${r.kind}/${r.c.name}`)).toEqual(["container/a", "initContainer/b", "ephemeralContainer/c"]);
  });
});

describe.each(KINDS)("%s", (kind, type) => {
  it("the compliant workload passes every policy of the pack", () => {
    expect(packViolations(type, workload(kind, SPEC))).toEqual([]);
  });
  it("a privileged container is reported", () => {
    const obj = workload(
      kind,
      mutate(SPEC, (s) => (s.containers[0].securityContext.privileged = true)),
    );
    expect(violations(podSecurity, type, obj)).toEqual(["POD-05: container app must not be privileged"]);
  });
});

describe("k8s-pod-security", () => {
  it("host namespaces (POD-05)", () => {
    for (const key of ["hostNetwork", "hostPID", "hostIPC"])
      expect(sec((s) => (s[key] = true))).toEqual(["POD-05: hostNetwork, hostPID and hostIPC must be off"]);
  });
  it("hostPath volumes break POD-05 and POD-06", () => {
    expect(sec((s) => s.volumes.push({ name: "host", hostPath: { path: "/var/lib/kubelet" } }))).toEqual([
      "POD-05: volume host mounts a host path",
      "POD-06: volume host has type hostPath, outside the restricted set",
    ]);
  });
  it("volume types outside the restricted set (POD-06)", () => {
    expect(sec((s) => s.volumes.push({ name: "data", nfs: { server: "fs", path: "/" } }))).toEqual([
      "POD-06: volume data has type nfs, outside the restricted set",
    ]);
    const allowed = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"].map((t) => ({
      name: t.toLowerCase(),
      [t]: {},
    }));
    expect(sec((s) => (s.volumes = allowed))).toEqual([]);
  });
  it("non-root at pod or container level (POD-01)", () => {
    const ROOT = "POD-01: container app must set runAsNonRoot: true and not run as UID 0";
    expect(sec((s) => delete s.securityContext.runAsNonRoot)).toEqual([ROOT]);
    expect(sec((s) => (s.securityContext.runAsUser = 0))).toEqual([ROOT]);
    expect(sec((s) => (s.containers[0].securityContext.runAsNonRoot = false))).toEqual([ROOT]);
    expect(sec((s) => (s.containers[0].securityContext.runAsUser = 0))).toEqual([ROOT]);
    expect(
      sec((s) => {
        delete s.securityContext.runAsNonRoot;
        s.containers[0].securityContext.runAsNonRoot = true;
      }),
    ).toEqual([]);
  });
  it("no privilege escalation, in every container kind (POD-02)", () => {
    const init = { ...structuredClone(CONTAINER), name: "init" };
    delete (init.securityContext as Partial<typeof init.securityContext>).allowPrivilegeEscalation;
    expect(sec((s) => (s.initContainers = [init]))).toEqual(["POD-02: initContainer init must set allowPrivilegeEscalation: false"]);
    expect(sec((s) => (s.ephemeralContainers = [{ ...init, name: "debug" }]))).toEqual([
      "POD-02: ephemeralContainer debug must set allowPrivilegeEscalation: false",
    ]);
    expect(sec((s) => (s.containers[0].securityContext.allowPrivilegeEscalation = true))).toEqual([
      "POD-02: container app must set allowPrivilegeEscalation: false",
    ]);
  });
  it("drop ALL, add only NET_BIND_SERVICE (POD-03)", () => {
    const CAPS = "POD-03: container app must drop ALL capabilities and add none but NET_BIND_SERVICE";
    expect(sec((s) => (s.containers[0].securityContext.capabilities = {}))).toEqual([CAPS]);
    expect(sec((s) => (s.containers[0].securityContext.capabilities.add = ["NET_ADMIN"]))).toEqual([CAPS]);
    expect(sec((s) => (s.containers[0].securityContext.capabilities.add = ["NET_BIND_SERVICE"]))).toEqual([]);
  });
  it("seccomp at pod or container level (POD-04)", () => {
    const SECCOMP = "POD-04: container app needs seccompProfile RuntimeDefault or Localhost";
    expect(sec((s) => delete s.securityContext.seccompProfile)).toEqual([SECCOMP]);
    expect(sec((s) => (s.containers[0].securityContext.seccompProfile = { type: "Unconfined" }))).toEqual([SECCOMP]);
    expect(
      sec((s) => {
        delete s.securityContext.seccompProfile;
        s.containers[0].securityContext.seccompProfile = { type: "Localhost", localhostProfile: "p.json" };
      }),
    ).toEqual([]);
  });
  it("no hostPort (POD-05)", () => {
    expect(sec((s) => (s.containers[0].ports = [{ containerPort: 8080, hostPort: 8080 }]))).toEqual(["POD-05: container app must not use hostPort"]);
    expect(sec((s) => (s.containers[0].ports = [{ containerPort: 8080 }]))).toEqual([]);
  });
});

describe("exceptions registry in workload policies", () => {
  /** The NVIDIA driver DaemonSet as the GPU operator deploys it: privileged, host PID, host paths, root. */
  const driver = (name: string, namespace = "gpu-operator") =>
    workload(
      "DaemonSet",
      {
        hostPID: true,
        containers: [{ name: "driver", image: "nvcr.io/nvidia/driver:570.124.06", securityContext: { privileged: true, runAsUser: 0 } }],
        volumes: [{ name: "run", hostPath: { path: "/run/nvidia" } }],
      },
      { name, namespace },
    );

  it("exempts listed gpu-operator workloads, by exact name, from POD-01..06", () => {
    expect(violations(podSecurity, DAEMONSET_T, driver("nvidia-driver-daemonset"))).toEqual([]);
    expect(violations(podSecurity, DAEMONSET_T, driver("nvidia-dcgm-exporter"))).toEqual([]);
    // Registry names match exactly: a name with a suffix is another workload.
    expect(violations(podSecurity, DAEMONSET_T, driver("nvidia-dcgm-exporter-7f9c"))).toHaveLength(8);
  });
  it("exempts POD-07 but not the unlisted POD-08 and POD-09 controls", () => {
    expect(violations(workloadHygiene, DAEMONSET_T, driver("nvidia-driver-daemonset"))).toEqual([
      "POD-08: container driver needs cpu and memory requests and a memory limit",
    ]);
    const latest = mutate(driver("nvidia-driver-daemonset"), (d: any) => (d.spec.template.spec.containers[0].image = "nvcr.io/nvidia/driver:latest"));
    expect(violations(workloadHygiene, DAEMONSET_T, latest)).toContain(
      "POD-09: container driver image nvcr.io/nvidia/driver:latest must be pinned to a tag or digest, not latest",
    );
  });
  const expected = [
    "POD-05: hostNetwork, hostPID and hostIPC must be off",
    "POD-05: volume run mounts a host path",
    "POD-06: volume run has type hostPath, outside the restricted set",
    "POD-01: container driver must set runAsNonRoot: true and not run as UID 0",
    "POD-02: container driver must set allowPrivilegeEscalation: false",
    "POD-03: container driver must drop ALL capabilities and add none but NET_BIND_SERVICE",
    "POD-04: container driver needs seccompProfile RuntimeDefault or Localhost",
    "POD-05: container driver must not be privileged",
  ];
  it("does not exempt other workloads in gpu-operator, nor the same name elsewhere", () => {
    expect(violations(podSecurity, DAEMONSET_T, driver("crypto-miner"))).toEqual(expected);
    expect(violations(podSecurity, DAEMONSET_T, driver("nvidia-driver-daemonset", "recsys"))).toEqual(expected);
    expect(violations(podSecurity, DAEMONSET_T, driver("nvidia-driver-daemonsetx"))).toEqual(expected);
  });
  it("node-exporter: host access is exempt, but escalation, capabilities and seccomp are not", () => {
    const exporter = workload(
      "DaemonSet",
      {
        hostNetwork: true,
        hostPID: true,
        containers: [
          {
            name: "node-exporter",
            image: "quay.io/prometheus/node-exporter:v1.9.1",
            securityContext: { runAsNonRoot: true, runAsUser: 65534, readOnlyRootFilesystem: true },
          },
        ],
        volumes: [{ name: "root", hostPath: { path: "/" } }],
      },
      { name: "monitoring-prometheus-node-exporter", namespace: "node-exporter" },
    );
    expect(violations(podSecurity, DAEMONSET_T, exporter)).toEqual([
      "POD-02: container node-exporter must set allowPrivilegeEscalation: false",
      "POD-03: container node-exporter must drop ALL capabilities and add none but NET_BIND_SERVICE",
      "POD-04: container node-exporter needs seccompProfile RuntimeDefault or Localhost",
    ]);
  });
  it("POD-11: the registered MLflow server may take a Secret in its environment; other workloads and other controls may not", () => {
    const flaskKey = (s: Spec) =>
      s.containers[0].env.push({ name: "MLFLOW_FLASK_SERVER_SECRET_KEY", valueFrom: { secretKeyRef: { name: "mlflow", key: "k" } } });
    const FINDING =
      "POD-11: container app takes MLFLOW_FLASK_SERVER_SECRET_KEY from Secret mlflow as an environment variable; mount the Secret as a file instead";
    expect(hyg(flaskKey, { name: "mlflow", namespace: "mlflow" })).toEqual([]);
    expect(hyg(flaskKey, { name: "tracking", namespace: "mlflow" })).toEqual([FINDING]);
    expect(hyg(flaskKey, { name: "mlflow", namespace: "recsys" })).toEqual([FINDING]);
    expect(hyg((s) => delete s.containers[0].securityContext.readOnlyRootFilesystem, { name: "mlflow", namespace: "mlflow" })).toEqual([
      "POD-07: container app should set readOnlyRootFilesystem: true",
    ]);
  });
  it("a workload without metadata.name in gpu-operator is exempt from nothing", () => {
    // Regression: workload === undefined matched entries as "any workload" (meant for namespace-level checks).
    const unnamed = mutate(driver("x"), (d: any) => delete d.metadata.name);
    expect(violations(podSecurity, DAEMONSET_T, unnamed)).toEqual(expected);
  });
});

describe("k8s-workload-hygiene", () => {
  it("no workloads in default (NS-05)", () => {
    expect(hyg(() => undefined, { name: "ranker" })).toEqual(["NS-05: workloads never run in the default namespace"]);
    expect(hyg(() => undefined, { name: "ranker", namespace: "default" })).toEqual(["NS-05: workloads never run in the default namespace"]);
  });
  it("team workloads (label team, as charts/team teamLabels sets it) never run in kube-* (NS-05)", () => {
    // Regression: only "default" was checked.
    const meta = (namespace: string, team?: string) => ({ name: "ranker", namespace, ...(team ? { labels: { team } } : {}) });
    expect(hyg(() => undefined, meta("kube-system", "recsys"))).toEqual([
      "NS-05: team recsys's workload runs in kube-system, which belongs to Kubernetes or the platform",
    ]);
    expect(hyg(() => undefined, meta("kube-node-lease", "nlp"))).toEqual([
      "NS-05: team nlp's workload runs in kube-node-lease, which belongs to Kubernetes or the platform",
    ]);
    // Platform namespaces too (baseline NS-05), and the label may sit on the pod template only.
    expect(hyg(() => undefined, meta("monitoring", "recsys"))).toEqual([
      "NS-05: team recsys's workload runs in monitoring, which belongs to Kubernetes or the platform",
    ]);
    expect(hyg(() => undefined, meta("kube-system", "platform"))).toEqual([]);
    expect(hyg(() => undefined, meta("kube-system"))).toEqual([]);
    expect(hyg(() => undefined, meta("recsys", "recsys"))).toEqual([]);
  });
  it("knows every platform namespace: the pack's list mirrors domain/platform-namespaces.ts", () => {
    const judgedApart = new Set(["default", "kube-system"]); // default and kube-* have rules of their own
    expect([...PLATFORM_NAMESPACES].sort()).toEqual(RESERVED.filter((ns) => !judgedApart.has(ns)).sort());
    for (const ns of ["databases", "external-secrets", "knative-serving", "evidently"]) {
      expect(hyg(() => undefined, { name: "ranker", namespace: ns, labels: { team: "recsys" } })).toEqual([
        `NS-05: team recsys's workload runs in ${ns}, which belongs to Kubernetes or the platform`,
      ]);
    }
  });
  it("cpu and memory requests and a memory limit, for containers and init containers (POD-08)", () => {
    expect(hyg((s) => delete s.containers[0].resources.requests.cpu)).toEqual(["POD-08: container app needs cpu and memory requests and a memory limit"]);
    expect(hyg((s) => delete s.containers[0].resources.limits.memory)).toEqual(["POD-08: container app needs cpu and memory requests and a memory limit"]);
    expect(hyg((s) => (s.initContainers = [{ ...CONTAINER, name: "init", resources: undefined }]))).toEqual([
      "POD-08: initContainer init needs cpu and memory requests and a memory limit",
    ]);
  });
  it("ephemeral containers need no resources (the API forbids them)", () => {
    expect(hyg((s) => (s.ephemeralContainers = [{ ...CONTAINER, name: "debug", resources: undefined }]))).toEqual([]);
  });
  it("whole GPUs with requests = limits (POD-08)", () => {
    const gpu = (requests?: unknown, limits?: unknown) =>
      hyg((s) => {
        if (requests !== undefined) s.containers[0].resources.requests["nvidia.com/gpu"] = requests;
        if (limits !== undefined) s.containers[0].resources.limits["nvidia.com/gpu"] = limits;
      });
    const GPU = "POD-08: container app must request whole GPUs with requests equal to limits";
    expect(gpu("1", "1")).toEqual([]);
    expect(gpu(1, "1")).toEqual([]);
    expect(gpu(undefined, "2")).toEqual([]);
    expect(gpu("1", "2")).toEqual([GPU]);
    expect(gpu("0.5", "0.5")).toEqual([GPU]);
    expect(gpu("1", undefined)).toEqual([GPU]);
  });
  it.each([
    ["repo/app:latest", "repo/app:latest"],
    ["repo/app", "repo/app"],
    ["registry.local:5000/app", "registry.local:5000/app"],
    ["repo/app:", "repo/app:"],
    [undefined, "(none)"],
  ])("image %s is not pinned (POD-09)", (image, shown) => {
    expect(hyg((s) => (s.containers[0].image = image))).toEqual([`POD-09: container app image ${shown} must be pinned to a tag or digest, not latest`]);
  });
  it.each(["registry.local:5000/app:1.0", "repo/app@sha256:0123456789abcdef", "repo/app:1.0@sha256:0123456789abcdef"])("image %s is pinned", (image) => {
    expect(hyg((s) => (s.containers[0].image = image))).toEqual([]);
  });
  it.each(["DB_PASSWORD", "MLFLOW_TRACKING_TOKEN", "AWS_SECRET_ACCESS_KEY", "OPENAI_API_KEY", "registry-credentials"])(
    "a literal %s is reported (POD-11)",
    (name) => {
      expect(hyg((s) => s.containers[0].env.push({ name, value: "hunter2" }))).toEqual([
        `POD-11: container app passes ${name} as a literal env value; mount it from a Secret as a file`,
      ]);
    },
  );
  it("empty values, ConfigMap references and Secret volumes are fine (POD-11)", () => {
    expect(hyg((s) => s.containers[0].env.push({ name: "API_KEY", value: "" }))).toEqual([]);
    expect(hyg((s) => s.containers[0].env.push({ name: "API_KEY", valueFrom: { configMapKeyRef: { name: "settings", key: "key-id" } } }))).toEqual([]);
    expect(hyg((s) => s.containers[0].envFrom.push({ configMapRef: { name: "more-settings" } }))).toEqual([]);
    expect(hyg((s) => s.volumes.push({ name: "tls", projected: { sources: [{ secret: { name: "tls" } }] } }))).toEqual([]);
  });
  it("an env var taken from a Secret is reported, whatever its name, in every container kind (POD-11)", () => {
    const fromSecret = { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } };
    expect(hyg((s) => s.containers[0].env.push(fromSecret))).toEqual([
      "POD-11: container app takes DB_PASSWORD from Secret db as an environment variable; mount the Secret as a file instead",
    ]);
    expect(
      hyg((s) => s.containers[0].env.push({ name: "LOG_FORMAT", valueFrom: { secretKeyRef: { name: "settings", key: "format", optional: true } } })),
    ).toEqual(["POD-11: container app takes LOG_FORMAT from Secret settings as an environment variable; mount the Secret as a file instead"]);
    expect(hyg((s) => (s.initContainers = [{ ...structuredClone(CONTAINER), name: "migrate", env: [fromSecret] }]))).toEqual([
      "POD-11: initContainer migrate takes DB_PASSWORD from Secret db as an environment variable; mount the Secret as a file instead",
    ]);
  });
  it("envFrom of a Secret is reported, naming the Secret (POD-11)", () => {
    expect(hyg((s) => s.containers[0].envFrom.push({ secretRef: { name: "ranker-keys" } }))).toEqual([
      "POD-11: container app takes every key of Secret ranker-keys as environment variables (envFrom); mount the Secret as a file instead",
    ]);
    expect(hyg((s) => s.containers[0].envFrom.push({ prefix: "KEYS_", secretRef: { name: "ranker-keys", optional: true } }))).toEqual([
      "POD-11: container app takes every key of Secret ranker-keys as environment variables (envFrom); mount the Secret as a file instead",
    ]);
  });
  it("a literal and a Secret reference of the same variable are two findings (POD-11)", () => {
    expect(
      hyg((s) => {
        s.containers[0].env.push({ name: "API_TOKEN", value: "hunter2" });
        s.containers[0].envFrom.push({ secretRef: { name: "tokens" } });
      }),
    ).toEqual([
      "POD-11: container app passes API_TOKEN as a literal env value; mount it from a Secret as a file",
      "POD-11: container app takes every key of Secret tokens as environment variables (envFrom); mount the Secret as a file instead",
    ]);
  });
  it.each(["DB_PASSWORD_FILE", "MLFLOW_TRACKING_TOKEN_FILE", "aws_secret_access_key_file"])(
    "%s points at a mounted secret file: not a literal (POD-11)",
    (name) => {
      expect(hyg((s) => s.containers[0].env.push({ name, value: "/var/run/secrets/app/value" }))).toEqual([]);
    },
  );
  it("only a _FILE suffix is exempt (POD-11)", () => {
    expect(hyg((s) => s.containers[0].env.push({ name: "DB_PASSWORD_FILENAME", value: "hunter2" }))).toEqual([
      "POD-11: container app passes DB_PASSWORD_FILENAME as a literal env value; mount it from a Secret as a file",
    ]);
    expect(hyg((s) => s.containers[0].env.push({ name: "FILE_API_TOKEN", value: "hunter2" }))).toEqual([
      "POD-11: container app passes FILE_API_TOKEN as a literal env value; mount it from a Secret as a file",
    ]);
  });
  it("read-only root filesystem (POD-07, advisory severity)", () => {
    expect(hyg((s) => delete s.containers[0].securityContext.readOnlyRootFilesystem)).toEqual([
      "POD-07: container app should set readOnlyRootFilesystem: true",
    ]);
  });
  it("ignores objects without a pod spec", () => {
    expect(violations(workloadHygiene, DEPLOYMENT_T, { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" } })).toEqual([]);
    expect(violations(podSecurity, "kubernetes:core/v1:ConfigMap", { metadata: { name: "x" }, data: {} })).toEqual([]);
  });
});
