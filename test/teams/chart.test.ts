/**
 * The team chart as synthesized by cdk8s (teamObjects): namespace, quota, limits, network policies, RBAC and
 * service accounts, checked against NS-01..NS-06 and RBAC-01..03, and against the Kubernetes 1.35 schema.
 */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { teamObjects } from "../../charts/team";
import { ipBlock } from "../../charts/team/network";
import { contains, formatCidr, maskOf, parseCidr, type Cidr } from "../../domain/cidr";
import { parseQuantity } from "../../config/quantity";
import { DEFAULT_LIMITS, TEAM_ROLES, resolveTeam, teamSchema, type TeamConfig, type TeamRole } from "../../config/teams";
import { PLATFORM_SERVICES, PLATFORM_SERVICE_NAMES, serviceOptInLabel, type PlatformService, type PlatformServiceName } from "../../domain/team-services";
import { POD_SECURITY_VERSION } from "../../domain/versions";
import { validateObjects } from "../../scripts/plan/validate";
import type { KubeObject } from "../../scripts/plan/extract";
import { fixture, problemsOf, resolved, fixtureTeams, teamEntry, teamsOf } from "./fixtures";

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };
type Obj = KubeObject & {
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: any;
  rules?: Rule[];
  subjects?: { kind: string; name: string; apiGroup: string }[];
  roleRef?: { apiGroup: string; kind: string; name: string };
  automountServiceAccountToken?: boolean;
};

const synth = (team: TeamConfig, environment: string, podIdentity = true) => teamObjects({ team, environment, podIdentity }) as Obj[];
const get = (objs: Obj[], kind: string, name: string): Obj => {
  const hits = objs.filter((o) => o.kind === kind && o.metadata.name === name);
  expect(hits, `${kind} ${name}`).toHaveLength(1);
  return hits[0];
};
const policies = (objs: Obj[]) => objs.filter((o) => o.kind === "NetworkPolicy");
const policyNames = (objs: Obj[]) =>
  policies(objs)
    .map((p) => p.metadata.name)
    .sort();

/** A team with every feature switched on, accepted by the dev stack's config checks. */
const VISION = teamEntry("vision", {
  owners: {
    admin: { groups: ["vision-leads"], iamPrincipals: ["arn:aws:iam::111122223333:role/vision-admin"] },
    edit: { iamPrincipals: ["arn:aws:iam::111122223333:role/vision-ci"] },
    view: { groups: ["vision-analysts"] },
  },
  egress: {
    internetHttps: true,
    allow: [
      { cidr: "10.40.0.0/16", ports: [5432] },
      { cidr: "203.0.113.0/24", ports: [8443], description: "partner APIs" },
    ],
  },
  services: ["kserve", "mlflow", "feast", "pipelines"],
  rbac: { extraRules: [{ role: "view", apiGroups: ["metrics.k8s.io"], resources: ["pods"], verbs: ["get", "list"] }] },
});
const full = (): TeamConfig => {
  const cfg = fixture("dev");
  teamsOf(cfg).push(VISION);
  return resolved(cfg).teams[2];
};

const CASES: [string, TeamConfig, string][] = [
  ...fixtureTeams("dev").map((t): [string, TeamConfig, string] => [`dev/${t.name}`, t, "dev"]),
  ...fixtureTeams("prod").map((t): [string, TeamConfig, string] => [`prod/${t.name}`, t, "prod"]),
  ["dev/vision (everything on)", full(), "dev"],
];

const METADATA = (parseCidr("169.254.169.254/32") as { ok: true; cidr: Cidr }).cidr;
const cidr = (text: string) => {
  const p = parseCidr(text);
  if (!p.ok) throw new Error(p.reason);
  return p.cidr;
};

/** Every ipBlock in any object, with the policy that holds it. */
function ipBlocks(objs: Obj[]): { policy: string; block: { cidr: string; except?: string[] } }[] {
  const out: { policy: string; block: { cidr: string; except?: string[] } }[] = [];
  const walk = (v: unknown, policy: string): void => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, policy));
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k === "ipBlock") out.push({ policy, block: x as { cidr: string; except?: string[] } });
        else walk(x, policy);
      }
    }
  };
  objs.forEach((o) => walk(o, `${o.kind}/${o.metadata.name}`));
  return out;
}

/** ipBlocks that let traffic reach 169.254.169.254. */
const metadataLeaks = (objs: Obj[]) =>
  ipBlocks(objs).filter(({ block }) => contains(cidr(block.cidr), METADATA) && !(block.except ?? []).some((e) => contains(cidr(e), METADATA)));

describe.each(CASES)("team chart %s", (_label, team, environment) => {
  const objs = synth(team, environment);

  it("namespace: team and cost-center labels, PSA restricted with pinned versions, no metadata.namespace", () => {
    const ns = get(objs, "Namespace", team.name);
    expect(ns.metadata.namespace).toBeUndefined();
    expect(ns.metadata.labels).toMatchObject({
      team: team.name,
      "cost-center": team.costCenter,
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": POD_SECURITY_VERSION,
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/warn-version": POD_SECURITY_VERSION,
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/audit-version": POD_SECURITY_VERSION,
    });
  });

  it("every other object lives in the team namespace", () => {
    const others = objs.filter((o) => o.kind !== "Namespace");
    expect(others.length).toBeGreaterThan(10);
    for (const o of others) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(team.name);
  });

  it("ResourceQuota covers exactly the NS-02 keys, no LoadBalancers or NodePorts", () => {
    const hard = get(objs, "ResourceQuota", "team-quota").spec.hard as Record<string, string>;
    expect(Object.keys(hard).sort()).toEqual(
      [
        "limits.memory",
        "persistentvolumeclaims",
        "pods",
        "requests.cpu",
        "requests.memory",
        "requests.nvidia.com/gpu",
        "requests.storage",
        "services.loadbalancers",
        "services.nodeports",
      ].sort(),
    );
    expect(hard).toMatchObject({
      "requests.cpu": team.quota.cpu,
      "requests.memory": team.quota.memory,
      "limits.memory": team.quota.memory,
      "requests.nvidia.com/gpu": String(team.quota.gpu),
      "requests.storage": team.quota.storage,
      persistentvolumeclaims: String(team.quota.persistentVolumeClaims),
      pods: String(team.quota.pods),
      "services.loadbalancers": "0",
      "services.nodeports": "0",
    });
    expect(hard["limits.nvidia.com/gpu"]).toBeUndefined();
  });

  it("LimitRange: min ≤ defaultRequest ≤ default ≤ max for cpu and memory", () => {
    const [limit] = get(objs, "LimitRange", "team-limits").spec.limits as Record<string, Record<string, string>>[];
    expect(limit.type).toBe("Container");
    for (const r of ["cpu", "memory"]) {
      const chain = ["min", "defaultRequest", "default", "max"].map((k) => parseQuantity(limit[k][r])!);
      chain.forEach((v) => expect(v).toBeGreaterThan(0));
      for (let i = 1; i < chain.length; i++) expect(chain[i - 1], `${r} step ${i}`).toBeLessThanOrEqual(chain[i]);
    }
  });

  it("default deny and DNS to kube-dns on UDP and TCP 53", () => {
    expect(get(objs, "NetworkPolicy", "default-deny").spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const dns = get(objs, "NetworkPolicy", "allow-dns").spec;
    expect(dns.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
        ports: [
          { protocol: "UDP", port: 53 },
          { protocol: "TCP", port: 53 },
        ],
      },
    ]);
  });

  it("no ipBlock reaches 169.254.169.254", () => {
    expect(metadataLeaks(objs)).toEqual([]);
  });

  it("one allow-<service> policy per opted-in service, with its namespace and ports", () => {
    for (const name of PLATFORM_SERVICE_NAMES) {
      const present = policies(objs).filter((p) => p.metadata.name === `allow-${name}`);
      if (!team.services.includes(name)) {
        expect(present, name).toEqual([]);
        continue;
      }
      const svc: PlatformService = PLATFORM_SERVICES[name as PlatformServiceName];
      if (svc.targets.length === 0) {
        expect(present, `${name} has no egress target`).toEqual([]);
        continue;
      }
      expect(present[0].spec.egress).toEqual(
        svc.targets.map((t) => ({
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": svc.namespace } }, podSelector: { matchLabels: t.podSelector } }],
          ports: t.ports.map((port) => ({ protocol: "TCP", port })),
        })),
      );
    }
    expect(policies(objs).some((p) => p.metadata.name === "allow-inference-ingress")).toBe(team.services.includes("kserve"));
  });

  it("internet HTTPS only when asked, excepting private ranges and link-local", () => {
    const https = policies(objs).filter((p) => p.metadata.name === "allow-internet-https");
    expect(https.length).toBe(team.egress.internetHttps ? 1 : 0);
    if (team.egress.internetHttps) {
      const [rule] = https[0].spec.egress;
      expect(rule.ports).toEqual([{ protocol: "TCP", port: 443 }]);
      expect(rule.to[0].ipBlock.cidr).toBe("0.0.0.0/0");
      expect(rule.to[0].ipBlock.except).toEqual(expect.arrayContaining(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"]));
    }
  });

  describe("Roles", () => {
    const rules = (role: TeamRole) => get(objs, "Role", `team-${role}`).rules!;
    const triples = (role: TeamRole) =>
      new Set(rules(role).flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}|${res}|${v}`)))));
    const CLUSTER = [
      "nodes",
      "nodes/proxy",
      "namespaces",
      "persistentvolumes",
      "clusterroles",
      "clusterrolebindings",
      "customresourcedefinitions",
      "storageclasses",
      "validatingwebhookconfigurations",
      "mutatingwebhookconfigurations",
      "priorityclasses",
      "certificatesigningrequests",
    ];
    const PLATFORM_OWNED = ["resourcequotas", "limitranges", "networkpolicies", "roles", "rolebindings"];
    const WRITE = ["create", "update", "patch", "delete", "deletecollection"];

    it.each(TEAM_ROLES)("%s: no wildcard, nothing cluster-scoped, no escalation, no token minting, no writes to platform objects", (role) => {
      for (const [k, g, res, v] of [...triples(role)].map((t) => [t, ...t.split("|")])) {
        expect(k).not.toContain("*");
        expect(CLUSTER, k).not.toContain(res);
        expect(["escalate", "bind", "impersonate"], k).not.toContain(v);
        expect(res, k).not.toBe("serviceaccounts/token");
        if (PLATFORM_OWNED.includes(res)) expect(WRITE, k).not.toContain(v);
        void g;
      }
    });

    it("pods/exec and attach for edit and admin outside prod only; view never", () => {
      const exec = (role: TeamRole) => [...triples(role)].filter((t) => /\|pods\/(exec|attach)\|/.test(t));
      expect(exec("view")).toEqual([]);
      for (const role of ["edit", "admin"] as const) {
        expect(exec(role)).toEqual(environment === "prod" ? [] : ["|pods/exec|create", "|pods/attach|create"]);
      }
    });

    it("view has no secrets; admin ⊇ edit ⊇ view", () => {
      expect([...triples("view")].filter((t) => t.includes("|secrets|"))).toEqual([]);
      const [view, edit, admin] = [triples("view"), triples("edit"), triples("admin")];
      expect([...view].filter((t) => !edit.has(t))).toEqual([]);
      expect([...edit].filter((t) => !admin.has(t))).toEqual([]);
      expect(edit.size).toBeGreaterThan(view.size);
      expect(admin.size).toBeGreaterThan(edit.size);
    });
  });

  it("RoleBindings: team-<role> to its groups plus mlops:team:<team>:<role> for IAM principals; none without owners", () => {
    for (const role of TEAM_ROLES) {
      const o = team.owners[role];
      const expected = [...o.groups, ...(o.iamPrincipals.length > 0 ? [`mlops:team:${team.name}:${role}`] : [])];
      const bindings = objs.filter((x) => x.kind === "RoleBinding" && x.metadata.name === `team-${role}`);
      if (expected.length === 0) {
        expect(bindings, role).toEqual([]);
        continue;
      }
      expect(bindings).toHaveLength(1);
      expect(bindings[0].roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: `team-${role}` });
      expect(bindings[0].subjects).toEqual(expected.map((name) => ({ kind: "Group", name, apiGroup: "rbac.authorization.k8s.io" })));
    }
    expect(objs.filter((o) => o.kind === "ClusterRoleBinding" || o.kind === "ClusterRole")).toEqual([]);
  });

  it("ServiceAccounts default and team-workload mount no API token", () => {
    for (const name of ["default", "team-workload"]) expect(get(objs, "ServiceAccount", name).automountServiceAccountToken).toBe(false);
  });

  it("validates against the Kubernetes 1.35 schema", async () => {
    expect(await validateObjects(objs, "1.35")).toEqual([]);
  });
});

describe("chart variants", () => {
  const [recsys, nlp] = fixtureTeams("dev");

  it("resolveTeam fills the container defaults and caps max at the quota; the LimitRange carries them", () => {
    const team = resolveTeam(teamSchema.parse(teamEntry("vision")));
    expect(team.limits).toEqual({ ...DEFAULT_LIMITS, max: { cpu: "4", memory: "16Gi" } });
    expect(team.egress).toEqual({ internetHttps: false, allow: [] });
    expect(team.owners.view).toEqual({ groups: [], iamPrincipals: [] });
    const [limit] = get(synth(team, "dev"), "LimitRange", "team-limits").spec.limits;
    expect(limit).toEqual({ type: "Container", ...DEFAULT_LIMITS, max: { cpu: "4", memory: "16Gi" } });
    expect(
      synth(team, "dev")
        .filter((o) => o.kind === "RoleBinding")
        .map((o) => o.metadata.name),
    ).toEqual(["team-admin"]);
  });

  it("reaches the Pod Identity agent only with podIdentity", () => {
    const on = get(synth(nlp, "dev", true), "NetworkPolicy", "allow-pod-identity-agent").spec;
    expect(on.egress).toEqual([{ to: [{ ipBlock: { cidr: "169.254.170.23/32" } }], ports: [{ protocol: "TCP", port: 80 }] }]);
    expect(policyNames(synth(nlp, "dev", false))).not.toContain("allow-pod-identity-agent");
  });

  it("every subset of services yields exactly its allow policies", () => {
    for (let mask = 0; mask < 1 << PLATFORM_SERVICE_NAMES.length; mask++) {
      const services = PLATFORM_SERVICE_NAMES.filter((_, i) => mask & (1 << i));
      const objs = synth({ ...nlp, services }, "dev", false);
      const names = policyNames(objs).filter((n) => /^allow-(mlflow|feast|pipelines|kserve|evidently|inference-ingress)$/.test(n));
      const egress = services.filter((s) => PLATFORM_SERVICES[s].targets.length > 0).map((s) => `allow-${s}`);
      expect(names).toEqual([...egress, ...(services.includes("kserve") ? ["allow-inference-ingress"] : [])].sort());
      // The namespace carries exactly the opt-in labels the service namespaces admit.
      const labels = get(objs, "Namespace", nlp.name).metadata.labels ?? {};
      expect(PLATFORM_SERVICE_NAMES.filter((s) => labels[serviceOptInLabel(s)] === "true")).toEqual(services);
    }
  });

  const sources = (rule: { from: { namespaceSelector: { matchLabels: Record<string, string> } }[] }) =>
    rule.from.map((f) => f.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]);

  it("kserve inference ingress admits the platform ingress and Prometheus on the predictor port", () => {
    const spec = get(synth(recsys, "dev"), "NetworkPolicy", "allow-inference-ingress").spec;
    expect(spec.podSelector).toEqual({ matchExpressions: [{ key: "serving.kserve.io/inferenceservice", operator: "Exists" }] });
    expect(spec.ingress.map(sources)).toEqual([["ingress", "monitoring"]]);
    expect(spec.ingress[0].ports).toEqual([{ protocol: "TCP", port: 8080 }]);
  });

  it("predictors may fetch their model from object storage: S3 over HTTPS on EKS, the in-cluster store otherwise", () => {
    const eks = get(synth(recsys, "dev"), "NetworkPolicy", "allow-inference-model-download").spec;
    expect(eks.podSelector).toEqual({ matchExpressions: [{ key: "serving.kserve.io/inferenceservice", operator: "Exists" }] });
    expect(eks.egress).toHaveLength(1);
    expect(eks.egress[0].ports).toEqual([{ protocol: "TCP", port: 443 }]);
    expect(eks.egress[0].to[0].ipBlock.except).toContain("169.254.0.0/16");
    const local = teamObjects({ team: recsys, environment: "dev", objectStore: { namespace: "object-store", port: 8333 } }) as unknown as Obj[];
    expect(get(local, "NetworkPolicy", "allow-inference-model-download").spec.egress).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "object-store" } } }], ports: [{ protocol: "TCP", port: 8333 }] },
    ]);
    expect(policyNames(synth({ ...recsys, services: ["mlflow"] }, "dev"))).not.toContain("allow-inference-model-download");
  });

  it("drift jobs, and only they, may fetch their datasets when the team has model monitors", () => {
    const monitors = [{ name: "churn", schedule: "0 * * * *", reference: "a.csv", current: "b.csv", driftShareThreshold: 0.5 }];
    const spec = get(synth({ ...recsys, services: ["evidently"], modelMonitors: monitors }, "dev"), "NetworkPolicy", "allow-model-drift-data").spec;
    expect(spec.podSelector).toEqual({ matchLabels: { "app.kubernetes.io/name": "model-drift" } });
    expect(spec.egress[0].ports).toEqual([{ protocol: "TCP", port: 443 }]);
    expect(policyNames(synth({ ...recsys, services: ["evidently"], modelMonitors: [] }, "dev"))).not.toContain("allow-model-drift-data");
  });

  it("serverless serving also admits Knative's activator and gateway on the queue-proxy ports", () => {
    const objs = teamObjects({ team: recsys, environment: "dev", kserveMode: "serverless" }) as unknown as Obj[];
    const spec = get(objs, "NetworkPolicy", "allow-inference-ingress").spec;
    expect(spec.ingress.map(sources)).toEqual([["ingress", "monitoring"], ["knative-serving"]]);
    expect(spec.ingress[1].ports).toEqual([8012, 8013, 9090, 9091].map((port) => ({ protocol: "TCP", port })));
  });

  it("the allowlist becomes one egress rule per entry", () => {
    const objs = synth(full(), "dev");
    const allow = get(objs, "NetworkPolicy", "allow-egress-allowlist").spec.egress;
    expect(allow).toEqual([
      { to: [{ ipBlock: { cidr: "10.40.0.0/16" } }], ports: [{ protocol: "TCP", port: 5432 }] },
      { to: [{ ipBlock: { cidr: "203.0.113.0/24" } }], ports: [{ protocol: "TCP", port: 8443 }] },
    ]);
  });

  it("a block that contains link-local keeps it excepted (config refuses such blocks; the chart does not rely on that)", () => {
    expect(ipBlock("0.0.0.0/0")).toEqual({ cidr: "0.0.0.0/0", except: ["169.254.0.0/16"] });
    expect(ipBlock("160.0.0.0/3")).toEqual({ cidr: "160.0.0.0/3", except: ["169.254.0.0/16"] });
    expect(ipBlock("203.0.113.0/24")).toEqual({ cidr: "203.0.113.0/24" });
  });

  it("the metadata checker itself flags an ipBlock without an except", () => {
    const leak = (block: object) =>
      [{ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "x" }, spec: { egress: [{ to: [{ ipBlock: block }] }] } }] as Obj[];
    expect(metadataLeaks(leak({ cidr: "169.0.0.0/8" }))).toHaveLength(1);
    expect(metadataLeaks(leak({ cidr: "169.0.0.0/8", except: ["10.0.0.0/8"] }))).toHaveLength(1);
    expect(metadataLeaks(leak({ cidr: "169.0.0.0/8", except: ["169.254.0.0/16"] }))).toEqual([]);
    expect(metadataLeaks(leak({ cidr: "169.254.170.23/32" }))).toEqual([]);
  });

  it("property: no allowlist the config accepts opens the metadata address", () => {
    const block = fc
      // Half the prefixes are /16 or narrower, the widest the config accepts, so enough allowlists get through.
      .tuple(
        fc.oneof(fc.constant(METADATA.base), fc.integer({ min: 0, max: 0xffffffff })),
        fc.oneof(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 16, max: 32 })),
      )
      .map(([ip, prefix]) => formatCidr({ base: (ip & maskOf(prefix)) >>> 0, prefix }));
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 3 }), fc.boolean(), (cidrs, internetHttps) => {
        const cfg = fixture("local");
        teamsOf(cfg)[0].egress = { internetHttps, allow: cidrs.map((c) => ({ cidr: c, ports: [443] })) };
        if (problemsOf(cfg).length > 0) return; // the config rejects it: nothing is ever synthesized
        accepted++;
        expect(metadataLeaks(synth(resolved(cfg).teams[0], "local", false))).toEqual([]);
      }),
      { numRuns: 300 },
    );
    expect(accepted).toBeGreaterThan(50);
  });
});
