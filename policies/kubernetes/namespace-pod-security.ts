import { resourcePolicy } from "../lib/define";
import { ANY_WORKLOAD, controlChecker, exemption } from "../lib/exceptions";
import { TEAM_LABEL, nameOf } from "../lib/k8s";

const ENFORCE = "pod-security.kubernetes.io/enforce";

export const namespacePodSecurity = resourcePolicy(
  {
    name: "k8s-namespace-pod-security",
    description:
      "Every namespace pins a Pod Security level and version; team namespaces enforce, warn and audit restricted; privileged only where the exceptions registry allows it.",
    severity: "high",
    controls: ["NS-01"],
  },
  ["kubernetes:core/v1:Namespace"],
  (obj, _args, report) => {
    const labels: Record<string, string> = obj.metadata?.labels ?? {};
    const name = nameOf(obj);
    // A Namespace is cluster-scoped: the registry knows it as `Namespace/<name>` in clusterObjects, like any cluster object.
    const check = controlChecker(undefined, name, report, "Namespace");
    const level = labels[ENFORCE];
    if (!level) return check("NS-01", false, `namespace ${name} has no ${ENFORCE} label`);
    check(
      "NS-01",
      /^v1\.\d+$/.test(labels[`${ENFORCE}-version`] ?? ""),
      `namespace ${name} does not pin ${ENFORCE}-version to a release such as v1.35 (got ${labels[`${ENFORCE}-version`] ?? "none"})`,
    );
    for (const mode of ["warn", "audit"]) {
      const v = labels[`pod-security.kubernetes.io/${mode}-version`];
      check(
        "NS-01",
        !(labels[`pod-security.kubernetes.io/${mode}`] && v !== undefined && !/^v1\.\d+$/.test(v)),
        `namespace ${name} does not pin pod-security.kubernetes.io/${mode}-version to a release (got ${v})`,
      );
    }
    if (labels[TEAM_LABEL]) {
      for (const mode of ["enforce", "warn", "audit"])
        check("NS-01", labels[`pod-security.kubernetes.io/${mode}`] === "restricted", `team namespace ${name} must ${mode} restricted`);
    }
    // A privileged namespace is what an entry for a workload in it needs: any entry of the namespace with NS-01 allows it.
    check(
      "NS-01",
      level !== "privileged" || exemption(name, ANY_WORKLOAD, "NS-01") !== undefined,
      `namespace ${name} is privileged without an exceptions-registry entry`,
    );
  },
);
