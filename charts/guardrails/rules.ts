/**
 * The platform's runtime rules: what teams create later with kubectl or pipelines is checked by the API server
 * itself, as ValidatingAdmissionPolicies (native since Kubernetes 1.30, nothing extra to run). Each rule names
 * its owner, its reason and the controls of docs/security-controls.md it serves, like the CrossGuard policies,
 * and is proven on a real API server (test/cluster/guardrails.test.ts).
 */
import { MANAGED_BY, MANAGED_BY_LABEL } from "../../domain/ownership";
import { KFP_IMAGE_REPOSITORIES } from "../../domain/pipelines";
import { INFERENCE_POD_LABEL, RESERVED_PIPELINES_POD_LABELS, RESERVED_TEAM_POD_LABELS } from "../team/network";
import type { ResourceRule } from "../crds/admission";
import type { LabelSelector } from "../kube";
import { POD_SECURITY_ENFORCE_LABEL } from "../pod-security";
import { clusterLocalModelsRule } from "./models";
import { queueRule } from "./queues";
import { inlineVolumesRule } from "./volumes";
import { BY_THE_TEAM, TEAM_NAMESPACES, WITH_PIPELINES, type GuardrailRule } from "./rule";
import { pipelinesInferenceAccountsRule, pipelinesServiceAccountsRule } from "./service-accounts";
import { IMAGE_REFERENCES, POD_LABELS, POD_SPEC_CHANGED, POD_VARIABLES, RESTRICTED_VALIDATION, WORKLOAD_RESOURCES } from "./pod-templates";

export type { GuardrailRule } from "./rule";

export interface GuardrailInputs {
  /**
   * Registries (or registry/path prefixes) team images may come from; undefined lets any registry through.
   * Resolved from `guardrails.imageRegistries` (config/guardrails.ts).
   */
  readonly imageRegistries?: readonly string[];
  /**
   * Every GPU pool of the stack (the Kueue flavors, gpuFlavors in domain/queues.ts): a nodeSelector naming one of
   * them must name a pool the namespace is entitled to. @default none, so no nodeSelector is judged
   */
  readonly gpuPools?: readonly string[];
  /**
   * KServe makes a gateway route for every InferenceService (kserveRoutesInferenceServices in ./models): those of
   * team namespaces without model endpoints must be cluster-local. @default false, so no rule
   */
  readonly kserveRoutes?: boolean;
}

/** The platform's pod labels in team namespaces (drift jobs, the team's Pushgateway), as key/value pairs. */
const RESERVED_LABEL_PAIRS = RESERVED_TEAM_POD_LABELS.flatMap((labels) => Object.entries(labels));
/** The team's own Kubeflow Pipelines' pod labels, reserved only where it runs (a namespace opted into pipelines). */
const PIPELINES_LABEL_PAIRS = RESERVED_PIPELINES_POD_LABELS.flatMap((labels) => Object.entries(labels));
const notCarrying = (pairs: readonly [string, string][]) =>
  pairs.map(([key, value]) => `variables.podLabels[?'${key}'].orValue('') != '${value}'`).join(" && ");

const RESTRICTED_NAMESPACES: LabelSelector = { matchLabels: { [POD_SECURITY_ENFORCE_LABEL]: "restricted" } };
const WRITES = ["CREATE", "UPDATE"] as const;

const core = (resources: string[], operations: ResourceRule["operations"] = WRITES): ResourceRule => ({
  apiGroups: [""],
  apiVersions: ["v1"],
  resources,
  operations,
});
const workloadRules = (operations: ResourceRule["operations"] = WRITES): ResourceRule[] =>
  WORKLOAD_RESOURCES.map((w) => ({ apiGroups: [w.apiGroup], apiVersions: ["v1"], resources: [...w.resources], operations }));

const label = (object: string) => `${object}.?metadata.?labels[?'${MANAGED_BY_LABEL}'].orValue('') == '${MANAGED_BY}'`;

/**
 * Image references as the container runtime resolves them: a short name is on Docker Hub (`python:3.12` is
 * `docker.io/library/python:3.12`), index.docker.io is docker.io, and the host is matched in lower case.
 */
const IMAGE_VARIABLES = [
  {
    name: "qualified",
    expression: `(${IMAGE_REFERENCES}).map(i, (i.contains('/') && (i.split('/')[0].contains('.') || i.split('/')[0].contains(':') || i.split('/')[0] == 'localhost')) ? i : 'docker.io/' + i)`,
  },
  // Registry hosts are case-insensitive; paths are not.
  { name: "lowered", expression: "variables.qualified.map(i, i.split('/')[0].lowerAscii() + i.substring(i.split('/')[0].size()))" },
  { name: "hub", expression: "variables.lowered.map(i, i.startsWith('index.docker.io/') ? 'docker.io/' + i.substring(16) : i)" },
  { name: "images", expression: "variables.hub.map(i, i.startsWith('docker.io/') && i.split('/').size() == 2 ? 'docker.io/library/' + i.substring(10) : i)" },
];

/** An image under an allowed entry: a registry (`host/…`), or a repository path (`host/path/…`, `host/path:tag`, `host/path@digest`). */
const underAllowed = (allowed: string) =>
  `${allowed}.exists(r, i.startsWith(r + '/') || (r.contains('/') && (i.startsWith(r + ':') || i.startsWith(r + '@'))))`;

const celList = (entries: readonly string[]) => `[${entries.map((r) => `'${r}'`).join(", ")}]`;

/**
 * The registries and repositories a team namespace admits images from: the given ones (the stack's, with the drift
 * images', components/teams teamImageRegistries) and, where the team opted into pipelines, the repositories its own
 * Kubeflow Pipelines and its runs pull (domain/pipelines.ts KFP_IMAGE_REPOSITORIES), there only.
 */
export function namespaceImageRegistries(registries: readonly string[], withPipelines: boolean): string[] {
  return [...new Set([...registries, ...(withPipelines ? KFP_IMAGE_REPOSITORIES : [])])];
}

function imageRegistryRule(registries: readonly string[]): GuardrailRule {
  const kfp = namespaceImageRegistries(registries, true).filter((r) => !registries.includes(r));
  const notAllowed = `!${underAllowed("variables.allowed")}`;
  return {
    name: "image-registries",
    owner: "platform-security",
    reason: "Team images come only from registries the company vets and scans; anything else is an unreviewed supply chain.",
    controls: ["POD-12"],
    spec: {
      failurePolicy: "Fail",
      matchConstraints: { namespaceSelector: TEAM_NAMESPACES, resourceRules: [core(["pods", "pods/ephemeralcontainers"]), ...workloadRules()] },
      matchConditions: [POD_SPEC_CHANGED],
      variables: [
        ...POD_VARIABLES,
        ...IMAGE_VARIABLES,
        // The pipelines repositories count only in a namespace that opted into pipelines (its own KFP runs there).
        { name: "allowed", expression: `(${WITH_PIPELINES}) ? ${celList(namespaceImageRegistries(registries, true))} : ${celList(registries)}` },
      ],
      validations: [
        {
          expression: `variables.images.all(i, ${underAllowed("variables.allowed")})`,
          messageExpression:
            `'images must come from ${registries.join(", ")}' + ((${WITH_PIPELINES}) ? '; with pipelines, for its Kubeflow Pipelines also ${kfp.join(", ")}' : '') + ` +
            `'; not allowed here: ' + variables.images.filter(i, ${notAllowed}).join(', ')`,
          reason: "Forbidden",
        },
      ],
    },
  };
}

export function guardrailRules(inputs: GuardrailInputs): GuardrailRule[] {
  const rules: GuardrailRule[] = [
    {
      name: "service-external-ips",
      owner: "platform-security",
      reason:
        "spec.externalIPs lets whoever may create a Service intercept traffic to any address (CVE-2020-8554); EKS does not enable the DenyServiceExternalIPs admission plugin.",
      controls: ["EXP-04"],
      spec: {
        failurePolicy: "Fail",
        matchConstraints: { resourceRules: [core(["services"])] },
        validations: [
          {
            expression: "object.spec.?externalIPs.orValue([]).size() == 0",
            message:
              "Services may not set spec.externalIPs (CVE-2020-8554): " +
              "a Service stays inside the cluster; with the access section, a team's models are served through the platform's gateway (teams[].modelEndpoints)",
            reason: "Forbidden",
          },
        ],
      },
    },
    {
      name: "team-external-name-services",
      owner: "platform-security",
      reason: "An ExternalName Service in a team namespace can alias any name, in or out of the cluster, behind an in-namespace DNS name.",
      controls: ["EXP-04"],
      spec: {
        failurePolicy: "Fail",
        matchConstraints: { namespaceSelector: TEAM_NAMESPACES, resourceRules: [core(["services"])] },
        validations: [
          {
            expression: "object.spec.?type.orValue('ClusterIP') != 'ExternalName'",
            message:
              "team namespaces may not hold ExternalName Services: reach platform services by their own names, external hosts through the team's egress allowlist",
            reason: "Forbidden",
          },
        ],
      },
    },
    {
      name: "platform-owned-objects",
      owner: "platform-operations",
      reason:
        "What the platform puts into a team namespace (service accounts, credentials, the drift job and its script, quota, limits, policies, roles) keeps working only if the team cannot rewrite or remove it, nor pass its own objects off as the platform's.",
      controls: ["RBAC-04", "NS-06"],
      spec: {
        failurePolicy: "Fail",
        matchConstraints: {
          namespaceSelector: TEAM_NAMESPACES,
          // Subresources too: an ephemeral container in a platform pod is an update of pods/ephemeralcontainers.
          // Namespaced only: a namespaceSelector never skips a cluster-scoped object, whose requests carry no
          // namespace, so the "namespaced" condition below would fail on every ClusterQueue or node status update.
          resourceRules: [{ apiGroups: ["*"], apiVersions: ["*"], resources: ["*/*"], operations: ["CREATE", "UPDATE", "DELETE"], scope: "Namespaced" }],
        },
        matchConditions: [
          { name: "namespaced", expression: "request.namespace != ''" },
          {
            name: "platform-owned",
            expression: `(request.operation != 'DELETE' && ${label("object")}) || (request.operation != 'CREATE' && ${label("oldObject")})`,
          },
        ],
        validations: [
          {
            expression: `!(${BY_THE_TEAM})`,
            messageExpression: `request.resource.resource + ' ' + request.name + ' is managed by the platform (${MANAGED_BY_LABEL}=${MANAGED_BY}): the team may read it but not create, change or delete such objects; change it through the stack config'`,
            reason: "Forbidden",
          },
        ],
      },
    },
    {
      name: "team-service-account-tokens",
      owner: "platform-security",
      reason: "A Secret of type kubernetes.io/service-account-token mints a token that never expires; pods get short-lived, audience-bound tokens instead.",
      controls: ["RBAC-03"],
      spec: {
        failurePolicy: "Fail",
        matchConstraints: { namespaceSelector: TEAM_NAMESPACES, resourceRules: [core(["secrets"])] },
        validations: [
          {
            expression: "object.?type.orValue('') != 'kubernetes.io/service-account-token'",
            message: "team namespaces mint no long-lived service account tokens: a pod gets a short-lived token from a projected serviceAccountToken volume",
            reason: "Forbidden",
          },
        ],
      },
    },
    {
      name: "restricted-workload-templates",
      owner: "platform-operations",
      reason:
        "A Deployment, Job or CronJob whose pod template breaks the namespace's restricted Pod Security level is accepted and then never gets a pod; saying so at admission, with the field to add, saves a debugging session.",
      controls: ["NS-01", "POD-01", "POD-02", "POD-03", "POD-04", "POD-05", "POD-06"],
      spec: {
        failurePolicy: "Fail",
        matchConstraints: { namespaceSelector: RESTRICTED_NAMESPACES, resourceRules: workloadRules() },
        matchConditions: [POD_SPEC_CHANGED],
        variables: [...POD_VARIABLES],
        validations: [RESTRICTED_VALIDATION],
      },
    },
    queueRule(inputs.gpuPools ?? []),
    inlineVolumesRule(),
    pipelinesServiceAccountsRule(),
    pipelinesInferenceAccountsRule(),
    {
      name: "team-reserved-pod-labels",
      owner: "platform-security",
      reason:
        "NetworkPolicies, the platform-owned rule and the drift scrape recognise pods by label: a team pod labelled as a drift job, the team's Pushgateway, a KServe predictor, a part of the team's Kubeflow Pipelines or the platform's own would get their network access (the pipelines database, the gateway), be scraped as the team's drift metrics, or be one the team cannot remove.",
      controls: ["NS-04", "RBAC-04"],
      spec: {
        failurePolicy: "Fail",
        matchConstraints: { namespaceSelector: TEAM_NAMESPACES, resourceRules: [core(["pods"]), ...workloadRules()] },
        // Objects already the platform's are the platform-owned rule's to judge.
        matchConditions: [{ name: "not-platform-owned", expression: `!(${label("object")}) && !(request.operation == 'UPDATE' && ${label("oldObject")})` }],
        variables: [{ name: "podLabels", expression: POD_LABELS }],
        validations: [
          {
            expression:
              `!(${BY_THE_TEAM}) || (variables.podLabels[?'${MANAGED_BY_LABEL}'].orValue('') != '${MANAGED_BY}' && ` +
              notCarrying(RESERVED_LABEL_PAIRS) +
              ` && !('${INFERENCE_POD_LABEL}' in variables.podLabels)` +
              ` && (!(${WITH_PIPELINES}) || (${notCarrying(PIPELINES_LABEL_PAIRS)})))`,
            message:
              `pods the team makes may not carry the platform's labels (${MANAGED_BY_LABEL}=${MANAGED_BY}, ${RESERVED_LABEL_PAIRS.map(([k, v]) => `${k}=${v}`).join(", ")}, ${INFERENCE_POD_LABEL}; ` +
              `with pipelines, its Kubeflow Pipelines' ${PIPELINES_LABEL_PAIRS.map(([k, v]) => `${k}=${v}`).join(", ")}): serve models through an InferenceService, which KServe labels itself`,
            reason: "Forbidden",
          },
        ],
      },
    },
  ];
  if (inputs.imageRegistries !== undefined) rules.push(imageRegistryRule(inputs.imageRegistries));
  if (inputs.kserveRoutes === true) rules.push(clusterLocalModelsRule());
  return rules;
}
