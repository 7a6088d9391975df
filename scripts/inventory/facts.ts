/**
 * The security-relevant facts of one rendered upstream object: what the inventory commits instead of the chart's
 * own text. The shape stays the object's own (same paths), so the policy pack reads facts exactly as it reads the
 * object; `npm run charts:inventory` checks that the pack's verdicts on the facts equal those on the full render.
 */

/** Bumped when the projection changes: every inventory file records it, so a change makes them all stale. */
export const FACTS_FORMAT = 3;

import { scopeResolver, type ScopeOf } from "./scope";

type Obj = Record<string, any>;

const WORKLOAD_KINDS = new Set(["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"]);

/** Labels and annotations that carry policy meaning; the rest (chart, version, selectors) are noise. */
const KEPT_LABEL = /^(pod-security\.kubernetes\.io\/|mlops\.platform\/|team$)/;
const KEPT_ANNOTATION =
  /^(helm\.sh\/(resource-policy|hook)|.*auth.*|seccomp\.security\.alpha\.kubernetes\.io\/|container\.apparmor\.security\.beta\.kubernetes\.io\/|service\.beta\.kubernetes\.io\/|alb\.ingress\.kubernetes\.io\/|nginx\.ingress\.kubernetes\.io\/)/;

/** Marks a literal env value in the facts: the pack needs to know there is one, never what it is. */
export const LITERAL_VALUE = "[literal]";

const pick = (source: Obj | undefined, keys: readonly string[]): Obj | undefined => {
  if (!source) return undefined;
  const out: Obj = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return Object.keys(out).length === 0 ? undefined : out;
};

const filterKeys = (map: Obj | undefined, keep: RegExp): Obj | undefined => {
  const kept = Object.entries(map ?? {}).filter(([k]) => keep.test(k));
  return kept.length === 0 ? undefined : Object.fromEntries(kept);
};

/** Drops undefined members, so facts serialise the same as they compare. */
const compact = (obj: Obj): Obj => Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));

function metadataFacts(metadata: Obj | undefined): Obj {
  return compact({
    name: metadata?.name,
    namespace: metadata?.namespace,
    labels: filterKeys(metadata?.labels, KEPT_LABEL),
    annotations: filterKeys(metadata?.annotations, KEPT_ANNOTATION),
  });
}

function envFacts(env: Obj[] | undefined): Obj[] | undefined {
  return env?.map((e) =>
    compact({
      name: e.name,
      value: typeof e.value === "string" && e.value !== "" ? LITERAL_VALUE : e.value === undefined ? undefined : "",
      valueFrom: e.valueFrom,
    }),
  );
}

function containerFacts(container: Obj): Obj {
  return compact({
    name: container.name,
    image: container.image,
    securityContext: container.securityContext,
    resources: container.resources,
    ports: container.ports?.some((p: Obj) => p.hostPort !== undefined)
      ? container.ports.map((p: Obj) => pick(p, ["containerPort", "hostPort", "protocol"]))
      : undefined,
    env: envFacts(container.env),
    envFrom: container.envFrom,
    volumeMounts: container.volumeMounts?.map((m: Obj) => pick(m, ["name", "mountPath", "readOnly"])),
  });
}

/** A volume's name and type; host paths keep their path, Secrets their name (never their content). */
function volumeFacts(volume: Obj): Obj {
  const type = Object.keys(volume).find((k) => k !== "name");
  if (type === undefined) return { name: volume.name };
  const detail = type === "hostPath" ? pick(volume.hostPath, ["path", "type"]) : type === "secret" ? pick(volume.secret, ["secretName"]) : {};
  return { name: volume.name, [type]: detail ?? {} };
}

function podSpecFacts(spec: Obj | undefined): Obj | undefined {
  if (!spec) return undefined;
  return compact({
    serviceAccountName: spec.serviceAccountName,
    automountServiceAccountToken: spec.automountServiceAccountToken,
    hostNetwork: spec.hostNetwork,
    hostPID: spec.hostPID,
    hostIPC: spec.hostIPC,
    priorityClassName: spec.priorityClassName,
    runtimeClassName: spec.runtimeClassName,
    hostUsers: spec.hostUsers,
    shareProcessNamespace: spec.shareProcessNamespace,
    securityContext: spec.securityContext,
    volumes: spec.volumes?.map(volumeFacts),
    containers: spec.containers?.map(containerFacts),
    initContainers: spec.initContainers?.map(containerFacts),
    ephemeralContainers: spec.ephemeralContainers?.map(containerFacts),
  });
}

const templateFacts = (template: Obj | undefined): Obj | undefined =>
  template ? compact({ metadata: metadataFacts(template.metadata), spec: podSpecFacts(template.spec) }) : undefined;

function workloadSpecFacts(kind: string, spec: Obj | undefined): Obj | undefined {
  if (!spec) return undefined;
  if (kind === "Pod") return podSpecFacts(spec);
  if (kind === "CronJob") return compact({ schedule: spec.schedule, jobTemplate: { spec: { template: templateFacts(spec.jobTemplate?.spec?.template) } } });
  return compact({ replicas: spec.replicas, template: templateFacts(spec.template) });
}

function specFacts(kind: string, obj: Obj): Obj | undefined {
  if (WORKLOAD_KINDS.has(kind)) return workloadSpecFacts(kind, obj.spec);
  switch (kind) {
    case "Service":
      return compact({
        ...pick(obj.spec, ["type", "loadBalancerClass", "externalIPs", "externalName", "externalTrafficPolicy", "loadBalancerSourceRanges"]),
        ports: obj.spec?.ports?.map((p: Obj) => pick(p, ["port", "nodePort", "protocol"])),
      });
    case "Ingress":
      return compact({
        ...pick(obj.spec, ["ingressClassName", "tls"]),
        rules: obj.spec?.rules?.map((r: Obj) => pick(r, ["host"])),
      });
    case "NetworkPolicy":
    case "ResourceQuota":
    case "LimitRange":
      return obj.spec;
    default:
      return undefined;
  }
}

function kindFacts(kind: string, obj: Obj): Obj {
  switch (kind) {
    case "Role":
    case "ClusterRole":
      return compact({ rules: obj.rules ?? [], aggregationRule: obj.aggregationRule });
    case "RoleBinding":
    case "ClusterRoleBinding":
      return compact({ roleRef: obj.roleRef, subjects: obj.subjects });
    case "ServiceAccount":
      return compact({ automountServiceAccountToken: obj.automountServiceAccountToken });
    case "Secret":
      return compact({ type: obj.type, keys: [...Object.keys(obj.data ?? {}), ...Object.keys(obj.stringData ?? {})].sort() });
    case "ValidatingWebhookConfiguration":
    case "MutatingWebhookConfiguration":
      return {
        webhooks: (obj.webhooks ?? []).map((w: Obj) => pick(w, ["name", "failurePolicy", "sideEffects", "namespaceSelector", "objectSelector", "rules"])),
      };
    case "CustomResourceDefinition":
      return {
        spec: compact({
          group: obj.spec?.group,
          names: pick(obj.spec?.names, ["kind"]),
          scope: obj.spec?.scope,
          versions: obj.spec?.versions?.map((v: Obj) => v.name),
        }),
      };
    default:
      return {};
  }
}

/**
 * The facts of one object as the provider would register it: namespaced kinds without a namespace are put in the
 * release's namespace, as helm.v4.Chart does. `scopeOf` knows the built-in kinds and the rendered CRDs.
 */
export function objectFacts(obj: Obj, releaseNamespace: string, scopeOf: ScopeOf = scopeResolver()): Obj {
  const kind = String(obj.kind);
  const metadata = metadataFacts(obj.metadata);
  if (scopeOf(String(obj.apiVersion), kind) === "Namespaced" && metadata.namespace === undefined) metadata.namespace = releaseNamespace;
  const byKind = kindFacts(kind, obj);
  return compact({ apiVersion: obj.apiVersion, kind, metadata, ...byKind, spec: specFacts(kind, obj) ?? byKind.spec });
}

/** An object as the provider registers it (namespace defaulted), for comparing the pack's verdicts with the facts'. */
export function asRegistered(obj: Obj, releaseNamespace: string, scopeOf: ScopeOf = scopeResolver()): Obj {
  if (scopeOf(String(obj.apiVersion), String(obj.kind)) === "Cluster" || obj.metadata?.namespace !== undefined) return obj;
  return { ...obj, metadata: { ...obj.metadata, namespace: releaseNamespace } };
}
