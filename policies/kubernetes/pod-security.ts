import { resourcePolicy } from "../lib/define";
import { controlChecker } from "../lib/exceptions";
import { WORKLOAD_TYPES, containersOf, nameOf, namespaceOf, podSpecOf } from "../lib/k8s";

const ALLOWED_VOLUMES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

/** Pod Security Standards "restricted" plus the baseline host rules, per container, honouring the exceptions registry. */
export const podSecurity = resourcePolicy(
  {
    name: "k8s-pod-security",
    description:
      "Workloads run non-root, without privilege escalation or capabilities, with a seccomp profile, no host namespaces, ports or paths, and only safe volume types.",
    severity: "high",
    controls: ["POD-01", "POD-02", "POD-03", "POD-04", "POD-05", "POD-06"],
  },
  WORKLOAD_TYPES,
  (obj, args, report) => {
    const spec = podSpecOf(args.type, obj);
    if (!spec) return;
    const ns = namespaceOf(obj);
    const name = nameOf(obj);
    const check = controlChecker(ns, name, report, args.type.split(":").pop());
    const podCtx = spec.securityContext ?? {};
    check("POD-05", !spec.hostNetwork && !spec.hostPID && !spec.hostIPC, "hostNetwork, hostPID and hostIPC must be off");
    for (const v of spec.volumes ?? []) {
      const type = Object.keys(v).find((k) => k !== "name");
      check("POD-05", type !== "hostPath", `volume ${v.name} mounts a host path`);
      check("POD-06", type !== undefined && ALLOWED_VOLUMES.includes(type), `volume ${v.name} has type ${type}, outside the restricted set`);
    }
    for (const { kind, c } of containersOf(spec)) {
      const sc = c.securityContext ?? {};
      const where = `${kind} ${c.name}`;
      const nonRoot = sc.runAsNonRoot ?? podCtx.runAsNonRoot;
      const user = sc.runAsUser ?? podCtx.runAsUser;
      check("POD-01", nonRoot === true && user !== 0, `${where} must set runAsNonRoot: true and not run as UID 0`);
      check("POD-02", sc.allowPrivilegeEscalation === false, `${where} must set allowPrivilegeEscalation: false`);
      const drop: string[] = sc.capabilities?.drop ?? [];
      const add: string[] = sc.capabilities?.add ?? [];
      check(
        "POD-03",
        drop.includes("ALL") && add.every((a) => a === "NET_BIND_SERVICE"),
        `${where} must drop ALL capabilities and add none but NET_BIND_SERVICE`,
      );
      const seccomp = (sc.seccompProfile ?? podCtx.seccompProfile)?.type;
      check("POD-04", seccomp === "RuntimeDefault" || seccomp === "Localhost", `${where} needs seccompProfile RuntimeDefault or Localhost`);
      check("POD-05", sc.privileged !== true, `${where} must not be privileged`);
      check("POD-05", !(c.ports ?? []).some((p: any) => p.hostPort), `${where} must not use hostPort`);
    }
  },
);
