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

/** Creating or updating a Pod or any workload kind: what rules over pod specs match (with POD_SPEC_CHANGED on updates). */
export const POD_AND_WORKLOAD_WRITES = [
  { apiGroups: [""], apiVersions: ["v1"], resources: ["pods"], operations: ["CREATE", "UPDATE"] },
  ...WORKLOAD_RESOURCES.map((w) => ({
    apiGroups: [w.apiGroup],
    apiVersions: ["v1"],
    resources: [...w.resources],
    operations: ["CREATE" as const, "UPDATE" as const],
  })),
] satisfies { apiGroups: string[]; apiVersions: string[]; resources: string[]; operations: ("CREATE" | "UPDATE")[] }[];

/** The pod spec of a Pod, a CronJob or any other workload, in `object` or (for comparing an update's before and after) `oldObject`. */
export const podSpecOf = (which: "object" | "oldObject") =>
  `${which}.kind == 'Pod' ? ${which}.spec : (${which}.kind == 'CronJob' ? ${which}.spec.jobTemplate.spec.template.spec : ${which}.spec.template.spec)`;

export const POD_SPEC = podSpecOf("object");

/** Containers, init containers and (on Pods) ephemeral containers, as one list. */
export const ALL_CONTAINERS =
  "variables.podSpec.containers + variables.podSpec.?initContainers.orValue([]) + variables.podSpec.?ephemeralContainers.orValue([])";

export const POD_VARIABLES = [
  { name: "podSpec", expression: POD_SPEC },
  { name: "containers", expression: ALL_CONTAINERS },
] as const;

/**
 * Judge a pod spec when it is made or changed, never on updates that leave it as it was: the garbage collector
 * removing a finalizer, a controller scaling a ReplicaSet, a label change. With failurePolicy Fail, re-judging
 * those would wedge objects made before a rule (or a narrower registry list) existed.
 */
export const POD_SPEC_CHANGED = {
  name: "pod-spec-created-or-changed",
  expression: `request.operation == 'CREATE' || (!has(object.metadata.deletionTimestamp) && (${podSpecOf("object")}) != (${podSpecOf("oldObject")}))`,
} as const;

/** The labels the pods will carry: a Pod's own, or its workload's template labels. */
export const POD_LABELS =
  "object.kind == 'Pod' ? object.metadata.?labels.orValue({}) : (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.?metadata.?labels.orValue({}) : object.spec.template.?metadata.?labels.orValue({}))";

/** Every image a pod pulls: its containers' and its image volumes' (pickled model weights are code too). */
export const IMAGE_REFERENCES =
  "variables.containers.map(c, c.image) + variables.podSpec.?volumes.orValue([]).filter(v, has(v.image)).map(v, v.image.?reference.orValue(''))";

/** One restricted check: a CEL condition, and a CEL string saying what to change when it fails. */
interface Check {
  readonly holds: string;
  readonly fix: string;
}

/** A check over every container: `holds` is a CEL predicate on `c`; the fix names the containers where it fails. */
function everyContainer(holds: string, add: string): Check {
  return {
    holds: `variables.containers.all(c, ${holds})`,
    fix: `'set ${add} on container(s) ' + variables.containers.filter(c, !(${holds})).map(c, c.name).join(', ')`,
  };
}

const POD_SC = "variables.podSpec.?securityContext";
const RESTRICTED_VOLUMES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"];
/** Pods in their own user namespace (hostUsers: false) may run as UID 0 inside it (restricted, since 1.33). */
const USER_NAMESPACE = "variables.podSpec.?hostUsers.orValue(true) == false";
const ALLOWED_VOLUME = RESTRICTED_VOLUMES.map((t) => `has(v.${t})`).join(" || ");

/**
 * The restricted Pod Security standard (pinned version, domain/versions.ts POD_SECURITY_VERSION) over a pod
 * spec: what admission would refuse on the pods, said when the workload is created.
 */
export const RESTRICTED_CHECKS: readonly Check[] = [
  everyContainer("!c.?securityContext.?privileged.orValue(false)", "securityContext.privileged: false (or leave it out)"),
  {
    holds: "!variables.podSpec.?hostNetwork.orValue(false) && !variables.podSpec.?hostPID.orValue(false) && !variables.podSpec.?hostIPC.orValue(false)",
    fix: "'remove hostNetwork, hostPID and hostIPC from the pod spec'",
  },
  {
    holds: `variables.podSpec.?volumes.orValue([]).all(v, ${ALLOWED_VOLUME})`,
    fix: `'use only ${RESTRICTED_VOLUMES.join(", ")} volumes, not ' + variables.podSpec.?volumes.orValue([]).filter(v, !(${ALLOWED_VOLUME})).map(v, v.name).join(', ')`,
  },
  everyContainer("c.?ports.orValue([]).all(p, p.?hostPort.orValue(0) == 0)", "no hostPort"),
  {
    // Pod-level settings count even where every container overrides them.
    holds: `${USER_NAMESPACE} || (${POD_SC}.?runAsNonRoot.orValue(true) == true && ${POD_SC}.?runAsUser.orValue(1) != 0)`,
    fix: "'set the pod securityContext.runAsNonRoot to true (or leave it out) and runAsUser to a non-zero user'",
  },
  {
    holds: `${POD_SC}.?seccompProfile.?type.orValue('RuntimeDefault') in ['RuntimeDefault', 'Localhost'] && ${POD_SC}.?appArmorProfile.?type.orValue('RuntimeDefault') != 'Unconfined'`,
    fix: "'set the pod securityContext.seccompProfile.type to RuntimeDefault and leave appArmorProfile confined'",
  },
  everyContainer(
    `${USER_NAMESPACE} || c.?securityContext.?runAsNonRoot.orValue(${POD_SC}.?runAsNonRoot.orValue(false)) == true`,
    "securityContext.runAsNonRoot: true (on the pod or the container)",
  ),
  everyContainer(`${USER_NAMESPACE} || c.?securityContext.?runAsUser.orValue(${POD_SC}.?runAsUser.orValue(1)) != 0`, "a non-zero securityContext.runAsUser"),
  everyContainer("c.?securityContext.?appArmorProfile.?type.orValue('RuntimeDefault') != 'Unconfined'", "no Unconfined securityContext.appArmorProfile"),
  everyContainer("c.?securityContext.?procMount.orValue('Default') == 'Default'", "securityContext.procMount: Default (or leave it out)"),
  everyContainer("c.?securityContext.?allowPrivilegeEscalation.orValue(true) == false", "securityContext.allowPrivilegeEscalation: false"),
  everyContainer("'ALL' in c.?securityContext.?capabilities.?drop.orValue([])", "securityContext.capabilities.drop: [ALL]"),
  everyContainer("c.?securityContext.?capabilities.?add.orValue([]).all(a, a == 'NET_BIND_SERVICE')", "no capabilities.add other than NET_BIND_SERVICE"),
  everyContainer(
    `c.?securityContext.?seccompProfile.?type.orValue(${POD_SC}.?seccompProfile.?type.orValue('')) in ['RuntimeDefault', 'Localhost']`,
    "securityContext.seccompProfile.type: RuntimeDefault (on the pod or the container)",
  ),
];

/**
 * All checks as one validation: a policy reports only its first failing validation, and a team should learn
 * every field to add from one refusal, not one per attempt.
 */
export const RESTRICTED_VALIDATION = {
  expression: RESTRICTED_CHECKS.map((c) => `(${c.holds})`).join(" && "),
  messageExpression: `'restricted Pod Security: ' + [${RESTRICTED_CHECKS.map((c) => `(${c.holds}) ? '' : ${c.fix}`).join(", ")}].filter(m, m != '').join('; ')`,
  reason: "Forbidden" as const,
};
