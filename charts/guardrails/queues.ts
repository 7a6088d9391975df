/**
 * The queue rule: in a namespace Kueue serves (labelled mlops.platform/queue with its LocalQueue's name), GPU work
 * names that queue, and only the GPU pools and priority classes the namespace's annotations list. Kueue manages
 * only labelled work and the platform defaults no queue (a `default` LocalQueue would gate every pod of the
 * namespace, serving included), while the team ResourceQuota no longer counts GPUs: unlabelled GPU work would
 * bypass the GPU quota altogether.
 */
import { GPU_RESOURCE } from "../../domain/gpu-capacity";
import { migResource } from "../../domain/mig-layouts";
import {
  NAMESPACE_GPU_POOLS_ANNOTATION,
  NAMESPACE_PRIORITIES_ANNOTATION,
  NAMESPACE_QUEUE_LABEL,
  POOL_LABEL,
  PRIORITY_CLASS_LABEL,
  QUEUE_NAME_LABEL,
} from "../../domain/queues";
import type { ResourceRule } from "../crds/admission";
import type { GuardrailRule } from "./rule";
import { podSpecOf } from "./pod-templates";

type Which = "object" | "oldObject";

const WRITES = ["CREATE", "UPDATE"] as const;

/** Kinds Kueue queues here (batch/job and pod integrations), and Deployments, StatefulSets, ReplicaSets, whose pods it queues. */
export const QUEUED_RESOURCES: ResourceRule[] = [
  { apiGroups: [""], apiVersions: ["v1"], resources: ["pods"], operations: WRITES },
  { apiGroups: ["batch"], apiVersions: ["v1"], resources: ["jobs", "cronjobs"], operations: WRITES },
  { apiGroups: ["apps"], apiVersions: ["v1"], resources: ["deployments", "statefulsets", "replicasets"], operations: WRITES },
];

/**
 * Who creates the pods of Jobs: the job controller under its own service account (kube-controller-manager with
 * --use-service-account-credentials, as on EKS) or as kube-controller-manager itself. Teams cannot pose as either:
 * team roles grant no `impersonate` (RBAC-03, config/team-rules.ts and the k8s-rbac policy refuse it), and tokens
 * of kube-system service accounts are out of their reach.
 */
export const JOB_CONTROLLER_USERS = ["system:serviceaccount:kube-system:job-controller", "system:kube-controller-manager"] as const;

/** A resource name of GPUs: whole GPUs or time slices, or MIG instances under the mixed strategy. */
const isGpu = (key: string) => `(${key} == '${GPU_RESOURCE}' || ${key}.startsWith('${migResource("")}'))`;
const requestsGpu = (container: string) =>
  `(${container}.?resources.?requests.orValue({}).exists(k, ${isGpu("k")}) || ${container}.?resources.?limits.orValue({}).exists(k, ${isGpu("k")}))`;

/**
 * Where Kueue reads the queue and priority labels: a Pod's or Job's own, other workloads' pod template's, and a
 * CronJob's Job template's, which its Jobs get; a Job without labels takes its pod template's (the Job API's
 * defaulting, done before admission for a Job, at each run for a CronJob's).
 */
const labelsOf = (which: Which) => {
  const jobTemplate = `${which}.spec.jobTemplate`;
  const cronJobs = `${jobTemplate}.?metadata.?labels.orValue({}).size() > 0 ? ${jobTemplate}.metadata.labels : ${jobTemplate}.spec.template.?metadata.?labels.orValue({})`;
  return (
    `${which}.kind == 'Pod' || ${which}.kind == 'Job' ? ${which}.metadata.?labels.orValue({}) : ` +
    `(${which}.kind == 'CronJob' ? (${cronJobs}) : ${which}.spec.template.?metadata.?labels.orValue({}))`
  );
};

/** The variables of the object (`variables.podSpec`, …) or of the object before an update (`variables.oldPodSpec`, …). */
const varName = (which: Which, name: string) => (which === "object" ? name : `old${name[0].toUpperCase()}${name.slice(1)}`);
const ref = (which: Which, name: string) => `variables.${varName(which, name)}`;

/** What the rule reads of a workload, each a string, so that an update's before and after compare. */
const ASPECTS = {
  gpu: (which: Which) => `(${ref(which, "containers")}.exists(c, ${requestsGpu("c")}) ? 'gpu' : '')`,
  queue: (which: Which) => `${ref(which, "labels")}[?'${QUEUE_NAME_LABEL}'].orValue('')`,
  priority: (which: Which) => `${ref(which, "labels")}[?'${PRIORITY_CLASS_LABEL}'].orValue('')`,
  pool: (which: Which) => `${ref(which, "podSpec")}.?nodeSelector.orValue({})[?'${POOL_LABEL}'].orValue('')`,
  /** A pod priority class: Kueue falls back to it without the priority label, so it would bypass the namespace's list. */
  podPriority: (which: Which) => `${ref(which, "podSpec")}.?priorityClassName.orValue('')`,
  /**
   * A controller that is a Job or a Pod, which Kueue's webhooks and reconciler take as the owner of the workload:
   * they leave the "child" ungated and unsuspended while that owner is admitted (Kueue treats same-namespace
   * ownership spoofing as out of its scope), so a team could run GPUs beside any admitted Job of its own.
   */
  kueueOwner: (which: Which) =>
    `${which}.metadata.?ownerReferences.orValue([]).filter(r, r.?controller.orValue(false) && ` +
    `((r.apiVersion == 'batch/v1' && r.kind == 'Job') || (r.apiVersion == 'v1' && r.kind == 'Pod'))).map(r, r.kind + ' ' + r.name).join(', ')`,
};
type Aspect = keyof typeof ASPECTS;
const ASPECT_NAMES = Object.keys(ASPECTS) as Aspect[];

const variablesOf = (which: Which) => [
  { name: varName(which, "podSpec"), expression: podSpecOf(which) },
  { name: varName(which, "containers"), expression: `${ref(which, "podSpec")}.containers + ${ref(which, "podSpec")}.?initContainers.orValue([])` },
  { name: varName(which, "labels"), expression: labelsOf(which) },
  ...ASPECT_NAMES.map((aspect) => ({ name: varName(which, aspect), expression: ASPECTS[aspect](which) })),
];

/** On CREATE every check; on UPDATE only those whose inputs changed, so that an object made before a config change is not stuck. */
const judged = (...aspects: Aspect[]) =>
  `(request.operation == 'CREATE' || ${aspects.map((a) => `${ref("object", a)} != ${ref("oldObject", a)}`).join(" || ")})`;

const listAnnotation = (key: string) => `namespaceObject.?metadata.?annotations[?'${key}'].orValue('').split(',').map(p, p.trim()).filter(p, p != '')`;

/** What the workload is, for messages: kind and name (a generateName prefix before the name exists). */
const WHAT = "object.kind + ' ' + object.metadata.?name.orValue(object.metadata.?generateName.orValue(''))";

export function queueRule(gpuPools: readonly string[]): GuardrailRule {
  const stackPools = `[${gpuPools.map((p) => `'${p}'`).join(", ")}]`;
  const byJobController =
    `object.kind == 'Pod' && request.userInfo.username in [${JOB_CONTROLLER_USERS.map((u) => `'${u}'`).join(", ")}] && ` +
    "object.metadata.?ownerReferences.orValue([]).exists(r, r.apiVersion == 'batch/v1' && r.kind == 'Job' && r.?controller.orValue(false))";
  return {
    name: "gpu-queues",
    owner: "platform-operations",
    reason:
      "GPUs are shared through Kueue (a ClusterQueue per team): work that names no queue, another namespace's queue, a GPU pool or a priority class the namespace is not entitled to would take GPUs outside the team's quota and the fair-share order.",
    controls: ["NS-07"],
    spec: {
      failurePolicy: "Fail",
      matchConstraints: {
        namespaceSelector: { matchExpressions: [{ key: NAMESPACE_QUEUE_LABEL, operator: "Exists" }] },
        resourceRules: QUEUED_RESOURCES,
      },
      matchConditions: [
        // The Job was judged, and Kueue reads the queue from the Job, not from its pods (which carry the template's labels).
        { name: "not-a-job-controllers-pod", expression: `!(${byJobController})` },
        // As POD_SPEC_CHANGED, the labels Kueue reads and the owners: Kueue's suspend and unsuspend, a scale, a finalizer are not judged.
        {
          name: "pod-spec-or-queue-labels-created-or-changed",
          expression:
            `request.operation == 'CREATE' || (!has(object.metadata.deletionTimestamp) && ` +
            `((${podSpecOf("object")}) != (${podSpecOf("oldObject")}) || (${labelsOf("object")}) != (${labelsOf("oldObject")}) || ` +
            "object.metadata.?ownerReferences.orValue([]) != oldObject.metadata.?ownerReferences.orValue([])))",
        },
      ],
      variables: [
        // The old object's only on UPDATE: variables are evaluated when first used.
        ...variablesOf("object"),
        ...variablesOf("oldObject"),
        { name: "gpuContainers", expression: `variables.containers.filter(c, ${requestsGpu("c")}).map(c, c.name)` },
        { name: "nsQueue", expression: `namespaceObject.?metadata.?labels[?'${NAMESPACE_QUEUE_LABEL}'].orValue('')` },
        { name: "nsPools", expression: listAnnotation(NAMESPACE_GPU_POOLS_ANNOTATION) },
        { name: "nsPriorities", expression: listAnnotation(NAMESPACE_PRIORITIES_ANNOTATION) },
        {
          name: "where",
          expression:
            "object.kind == 'CronJob' ? 'spec.jobTemplate.metadata.labels' : (object.kind in ['Pod', 'Job'] ? 'metadata.labels' : 'spec.template.metadata.labels (Kueue reads the labels of the pods themselves)')",
        },
      ],
      validations: [
        {
          expression: `variables.gpu == '' || variables.queue != '' || !${judged("gpu", "queue")}`,
          messageExpression:
            `${WHAT} + ' requests GPUs (' + variables.gpuContainers.join(', ') + ') but names no queue: GPU work in namespace ' + request.namespace + ` +
            `' goes through its Kueue queue; add the label ${QUEUE_NAME_LABEL}: ' + variables.nsQueue + ' to ' + variables.where`,
          reason: "Forbidden",
        },
        {
          expression: `variables.queue == '' || variables.queue == variables.nsQueue || !${judged("queue")}`,
          messageExpression:
            `${WHAT} + ': ${QUEUE_NAME_LABEL} is ' + variables.queue + ', but work in namespace ' + request.namespace + ` +
            `' goes to its own queue only: set ${QUEUE_NAME_LABEL}: ' + variables.nsQueue + ' in ' + variables.where`,
          reason: "Forbidden",
        },
        {
          expression: `variables.priority == '' || variables.priority in variables.nsPriorities || !${judged("priority")}`,
          messageExpression:
            `${WHAT} + ': ${PRIORITY_CLASS_LABEL} ' + variables.priority + ' is not a priority class namespace ' + request.namespace + ' may use: ' + ` +
            `(variables.nsPriorities.size() == 0 ? 'it may name none' : 'name one of ' + variables.nsPriorities.join(', ')) + ' in ' + variables.where + ', or leave the label out'`,
          reason: "Forbidden",
        },
        {
          expression: `variables.pool == '' || !(variables.pool in ${stackPools}) || variables.pool in variables.nsPools || !${judged("pool")}`,
          messageExpression:
            `${WHAT} + ': nodeSelector ${POOL_LABEL}: ' + variables.pool + ' is a GPU pool namespace ' + request.namespace + ' is not entitled to: ' + ` +
            `(variables.nsPools.size() == 0 ? 'it may use no GPU pool' : 'use ' + variables.nsPools.join(', ')) + ', or leave the pool out and let Kueue place the work on an entitled one'`,
          reason: "Forbidden",
        },
        {
          expression: `variables.kueueOwner == '' || !${judged("kueueOwner")}`,
          messageExpression:
            `${WHAT} + ' names ' + variables.kueueOwner + ' as its controller: in namespace ' + request.namespace + ` +
            "' only the job controller makes pods with a Job as controller, and nothing may have a Pod as controller: Kueue would run it outside the queue, as part of that owner'",
          reason: "Forbidden",
        },
        {
          expression: `variables.podPriority == '' || (variables.gpu == '' && variables.queue == '') || !${judged("podPriority", "gpu", "queue")}`,
          messageExpression:
            `${WHAT} + ': priorityClassName ' + variables.podPriority + ' on queued or GPU work would set its queue priority past the classes namespace ' + request.namespace + ` +
            `' may use; leave it out and set the label ${PRIORITY_CLASS_LABEL} in ' + variables.where`,
          reason: "Forbidden",
        },
      ],
    },
  };
}
