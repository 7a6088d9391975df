/**
 * The isolation fixture on a running control plane: its planned objects applied once per file, the people the
 * tests act as (impersonated members of a team's view, edit and admin groups), and compliant objects to vary.
 */
import type { TeamRole } from "../../config/teams";
import { expect } from "vitest";
import { refusal, type KubeClient, type KubeObjectRef, type KubeResponse } from "../../scripts/cluster/kube-client";
import { applyServed, eventually, writtenPlan } from "./planned";

/** The groups of test/cluster/stacks/Pulumi.isolation.yaml. */
export const GROUPS = {
  vision: { view: "vision-viewers", edit: "vision-editors", admin: "vision-admins" },
  nlp: { edit: "nlp-editors", admin: "nlp-admins" },
} as const;

export const ALLOWED_IMAGE = "registry.example.com/ml/trainer:1.0";

/**
 * A person in one of a team's groups, as the API server sees them through impersonation: with the group prefix a
 * fixture with an access section binds (its groupsPrefix, e.g. "oidc:"), without one for a fixture without.
 */
export function member(admin: KubeClient, team: keyof typeof GROUPS, role: TeamRole, groupsPrefix = ""): KubeClient {
  const groups = GROUPS[team] as Partial<Record<TeamRole, string>>;
  const group = groups[role];
  if (!group) throw new Error(`team ${team} has no ${role} group in the fixture`);
  return admin.as(`${role}-of-${team}@example.com`, [`${groupsPrefix}${group}`]);
}

/** Namespaces an upstream manifest creates at deploy time: Kubeflow Pipelines' cluster-scoped kustomization brings `kubeflow`. */
const UPSTREAM_NAMESPACES = ["kubeflow"];

/** Makes the namespaces upstream manifests create (an existing one answers 409), so what the plan puts into them applies as after the upstream install. */
export async function createUpstreamNamespaces(admin: KubeClient): Promise<void> {
  for (const name of UPSTREAM_NAMESPACES) await admin.create(object("v1", "Namespace", undefined, name));
}

/** Applies every served object of the fixture's written plan (idempotent) and returns what was applied. */
export async function applyFixture(admin: KubeClient): Promise<void> {
  await createUpstreamNamespaces(admin);
  const { applied } = await applyServed(admin, (await writtenPlan("isolation")).objects);
  const refused = [...applied].filter(([, r]) => r.status >= 300).map(([name, r]) => `${name}: ${r.status} ${JSON.stringify(r.body)}`);
  if (refused.length > 0) throw new Error(refused.join("\n"));
}

/** Applies the fixture and waits for the quota controller to fill in status.hard, before which admission refuses pods. */
export async function readyFixture(admin: KubeClient): Promise<void> {
  await applyFixture(admin);
  for (const team of Object.keys(GROUPS)) {
    await eventually(async () => ((await admin.get(object("v1", "ResourceQuota", team, "team-quota"))).body?.status?.hard ? true : undefined));
  }
}

export function expectRefused(response: KubeResponse, message: string | RegExp, status = 403): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(refusal(response)).toMatch(message);
}

export const expectAdmitted = (response: KubeResponse): void => expect(response.status, refusal(response)).toBeLessThan(300);

type Spec = Record<string, unknown>;

/** A container that meets the restricted Pod Security level. */
export function container(name = "main", extra: Spec = {}): Spec {
  return {
    name,
    image: ALLOWED_IMAGE,
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: "RuntimeDefault" },
    },
    ...extra,
  };
}

export function pod(namespace: string, name: string, spec: Spec = {}): KubeObjectRef & { spec: Spec } {
  return { apiVersion: "v1", kind: "Pod", metadata: { name, namespace }, spec: { containers: [container()], ...spec } };
}

/** A Deployment of one replica; its pods carry `app: <name>` and any extra template labels. */
export function deployment(namespace: string, name: string, podSpec: Spec, templateLabels: Record<string, string> = {}): KubeObjectRef & { spec: Spec } {
  const selector = { app: name };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace },
    spec: { replicas: 1, selector: { matchLabels: selector }, template: { metadata: { labels: { ...templateLabels, ...selector } }, spec: podSpec } },
  };
}

export function object(apiVersion: string, kind: string, namespace: string | undefined, name: string, body: Spec = {}): KubeObjectRef & Spec {
  return { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...body };
}

/** An admission rule the server has type-checked without warnings (once it has seen its latest generation), bound to Deny. */
export async function expectTypeCheckedDeny(admin: KubeClient, policy: string): Promise<void> {
  const checked = await eventually(async () => {
    const got = await admin.request("GET", `/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/${policy}`);
    return got.body?.status?.observedGeneration === got.body?.metadata?.generation ? got.body : undefined;
  });
  expect(checked?.status.typeChecking?.expressionWarnings ?? []).toEqual([]);
  const binding = await admin.request("GET", `/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/${policy}`);
  expect(binding.body.spec.validationActions).toEqual(["Deny"]);
}
