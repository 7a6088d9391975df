import { resourcePolicy } from "../lib/define";
import { controlChecker } from "../lib/exceptions";
import { WORKLOAD_TYPES, containersOf, nameOf, namespaceOf, podSpecOf } from "../lib/k8s";

/**
 * Namespaces the platform runs; team workloads never go there (NS-05). The pack imports nothing from outside
 * policies/, so this mirrors domain/platform-namespaces.ts (default and kube-* are judged on their own); a
 * test fails when the two differ.
 */
export const PLATFORM_NAMESPACES = [
  "gpu-operator",
  "monitoring",
  "node-exporter",
  "logging",
  "object-store",
  "external-secrets",
  "databases",
  "cnpg-system",
  "kueue-system",
  "mlflow",
  "feast",
  "feast-operator-system",
  "kubeflow",
  "cert-manager",
  "kserve",
  "knative-operator",
  "knative-serving",
  "evidently",
  "dex",
  "ingress",
  "security-scan",
  "opencost",
  "platform",
];

const SECRET_NAME = /pass(word)?|secret|token|api.?key|credential/i;

/** Requests, limits, pinned images, secrets as files, a read-only root filesystem and no workloads in default. */
export const workloadHygiene = resourcePolicy(
  {
    name: "k8s-workload-hygiene",
    description:
      "Containers set CPU/memory requests and a memory limit (GPUs whole, requests = limits), use pinned image tags, read secrets from mounted files (no secret-looking literal env value, no env var from a Secret, no envFrom of a Secret), keep a read-only root filesystem; nothing runs in default or kube-*.",
    severity: "medium",
    controls: ["POD-07", "POD-08", "POD-09", "POD-11", "NS-05"],
  },
  WORKLOAD_TYPES,
  (obj, args, report) => {
    const spec = podSpecOf(args.type, obj);
    if (!spec) return;
    const ns = namespaceOf(obj) ?? "default";
    const name = nameOf(obj);
    const check = controlChecker(ns, name, report);
    check("NS-05", ns !== "default", "workloads never run in the default namespace");
    const team = obj.metadata?.labels?.team ?? obj.spec?.template?.metadata?.labels?.team ?? obj.spec?.jobTemplate?.spec?.template?.metadata?.labels?.team;
    const platformNamespace = ns.startsWith("kube-") || PLATFORM_NAMESPACES.includes(ns);
    check("NS-05", !(team && team !== "platform" && platformNamespace), `team ${team}'s workload runs in ${ns}, which belongs to Kubernetes or the platform`);
    for (const { kind, c } of containersOf(spec)) {
      const where = `${kind} ${c.name}`;
      const req = c.resources?.requests ?? {};
      const lim = c.resources?.limits ?? {};
      if (kind !== "ephemeralContainer") {
        check(
          "POD-08",
          req.cpu !== undefined && req.memory !== undefined && lim.memory !== undefined,
          `${where} needs cpu and memory requests and a memory limit`,
        );
        const gpuReq = req["nvidia.com/gpu"];
        const gpuLim = lim["nvidia.com/gpu"];
        if (gpuReq !== undefined || gpuLim !== undefined) {
          check(
            "POD-08",
            String(gpuReq ?? gpuLim) === String(gpuLim) && /^\d+$/.test(String(gpuLim)),
            `${where} must request whole GPUs with requests equal to limits`,
          );
        }
      }
      const image: string = c.image ?? "";
      const tag = image.includes("@") ? "digest" : image.split("/").pop()?.split(":")[1];
      check("POD-09", tag !== undefined && tag !== "" && tag !== "latest", `${where} image ${image || "(none)"} must be pinned to a tag or digest, not latest`);
      for (const e of c.env ?? []) {
        // *_FILE variables point at a mounted secret file (the recommended pattern), *_DIR ones at a folder of them,
        // *_NAME ones name a Secret (a webhook's certificate Secret), *_URL ones are an address (an OAuth token
        // endpoint): none holds a secret.
        check(
          "POD-11",
          !(SECRET_NAME.test(e.name) && !/_(FILE|DIR|NAME|URL)$/i.test(e.name) && typeof e.value === "string" && e.value !== ""),
          `${where} passes ${e.name} as a literal env value; mount it from a Secret as a file`,
        );
        // A Secret's value in the environment is visible to every process of the container, in crash dumps and
        // in `env` output: mount the Secret as a file and point the program at the file.
        const ref = e.valueFrom?.secretKeyRef;
        check(
          "POD-11",
          ref === undefined,
          `${where} takes ${e.name} from Secret ${ref?.name ?? "(unnamed)"} as an environment variable; mount the Secret as a file instead`,
        );
      }
      for (const source of c.envFrom ?? []) {
        const secret = source.secretRef;
        check(
          "POD-11",
          secret === undefined,
          `${where} takes every key of Secret ${secret?.name ?? "(unnamed)"} as environment variables (envFrom); mount the Secret as a file instead`,
        );
      }
      check("POD-07", c.securityContext?.readOnlyRootFilesystem === true, `${where} should set readOnlyRootFilesystem: true`);
    }
  },
);
