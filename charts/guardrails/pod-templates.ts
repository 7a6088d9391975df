/**
 * CEL for the pod specs inside workload objects: where a kind keeps its pod template, and the restricted Pod
 * Security checks written over it, each with a message that names the containers and the field to add.
 * Optional field selection (`a.?b.orValue(x)`) keeps absent fields from erroring.
 */

/** Workload kinds whose pod template the rules read, by API group. */
export const WORKLOAD_RESOURCES = [
  { apiGroup: "apps", resources: ["deployments", "replicasets", "statefulsets", "daemonsets"] },
  { apiGroup: "batch", resources: ["jobs", "cronjobs"] },
] as const;

/** The pod spec of a Pod, a CronJob or any other workload. */
export const POD_SPEC = "object.kind == 'Pod' ? object.spec : (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec)";

/** Containers, init containers and (on Pods) ephemeral containers, as one list. */
export const ALL_CONTAINERS =
  "variables.podSpec.containers + variables.podSpec.?initContainers.orValue([]) + variables.podSpec.?ephemeralContainers.orValue([])";

export const POD_VARIABLES = [
  { name: "podSpec", expression: POD_SPEC },
  { name: "containers", expression: ALL_CONTAINERS },
] as const;

/** A check over every container: `holds` is a CEL predicate on `c`; the message lists the containers where it fails. */
function everyContainer(holds: string, add: string): { expression: string; messageExpression: string; reason: "Forbidden" } {
  return {
    expression: `variables.containers.all(c, ${holds})`,
    messageExpression: `'restricted Pod Security: set ${add} on container(s) ' + variables.containers.filter(c, !(${holds})).map(c, c.name).join(', ')`,
    reason: "Forbidden",
  };
}

const POD_SC = "variables.podSpec.?securityContext";
const RESTRICTED_VOLUMES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

/**
 * The restricted Pod Security standard (pinned version, domain/versions.ts POD_SECURITY_VERSION) over a pod
 * spec: what admission would refuse on the pods, said at the time the workload is created.
 */
export const RESTRICTED_VALIDATIONS = [
  everyContainer("!c.?securityContext.?privileged.orValue(false)", "securityContext.privileged: false (or leave it out)"),
  {
    expression: "!variables.podSpec.?hostNetwork.orValue(false) && !variables.podSpec.?hostPID.orValue(false) && !variables.podSpec.?hostIPC.orValue(false)",
    message: "restricted Pod Security: remove hostNetwork, hostPID and hostIPC from the pod spec",
    reason: "Forbidden" as const,
  },
  {
    expression: "variables.podSpec.?volumes.orValue([]).all(v, " + RESTRICTED_VOLUMES.map((t) => `has(v.${t})`).join(" || ") + ")",
    messageExpression:
      "'restricted Pod Security: volumes may only be " +
      RESTRICTED_VOLUMES.join(", ") +
      "; not ' + variables.podSpec.?volumes.orValue([]).filter(v, !(" +
      RESTRICTED_VOLUMES.map((t) => `has(v.${t})`).join(" || ") +
      ")).map(v, v.name).join(', ')",
    reason: "Forbidden" as const,
  },
  everyContainer("c.?ports.orValue([]).all(p, p.?hostPort.orValue(0) == 0)", "no hostPort"),
  everyContainer(
    `c.?securityContext.?runAsNonRoot.orValue(${POD_SC}.?runAsNonRoot.orValue(false)) == true`,
    "securityContext.runAsNonRoot: true (on the pod or the container)",
  ),
  everyContainer(`c.?securityContext.?runAsUser.orValue(${POD_SC}.?runAsUser.orValue(1)) != 0`, "a non-zero securityContext.runAsUser"),
  everyContainer("c.?securityContext.?allowPrivilegeEscalation.orValue(true) == false", "securityContext.allowPrivilegeEscalation: false"),
  everyContainer("'ALL' in c.?securityContext.?capabilities.?drop.orValue([])", "securityContext.capabilities.drop: [ALL]"),
  everyContainer(
    "c.?securityContext.?capabilities.?add.orValue([]).all(a, a == 'NET_BIND_SERVICE')",
    "no capabilities.add other than NET_BIND_SERVICE",
  ),
  everyContainer(
    `c.?securityContext.?seccompProfile.?type.orValue(${POD_SC}.?seccompProfile.?type.orValue('')) in ['RuntimeDefault', 'Localhost']`,
    "securityContext.seccompProfile.type: RuntimeDefault (on the pod or the container)",
  ),
];
