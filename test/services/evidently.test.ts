/**
 * Evidently's objects, one instance per team, and its config.yaml template. No Pushgateway here: each team has its
 * own (drift-pushgateway.test.ts). Per-team isolation of the instances: evidently-teams.test.ts.
 */
import { describe, it, expect } from "vitest";
import { parse } from "yaml";
import {
  EVIDENTLY_CONFIG_PATH,
  EVIDENTLY_NAMESPACE,
  EVIDENTLY_PORT,
  evidentlyConfigSecret,
  evidentlyConfigTemplate,
  evidentlyObjects,
  evidentlyPodLabels,
  evidentlyUrl,
} from "../../charts/services/evidently";
import { renderTemplate, templateKeys } from "../../charts/services/external-secrets";
import type { EgressRule } from "../../charts/services/network";
import { serviceOptInLabel } from "../../domain/team-services";
import { IMAGES, imageRef } from "../../domain/versions";
import type { KubeObject } from "../../scripts/plan/extract";
import { validateObjects } from "../../scripts/plan/validate";

type Obj = KubeObject & { spec?: any; [k: string]: any };
const DB: EgressRule = { kind: "cidr", cidr: "10.20.0.0/16", ports: [5432] };
const objects = () => evidentlyObjects({ teams: ["vision"], databaseEgress: DB, labels: { "cost-center": "platform" } }) as Obj[];
const find = (kind: string, name: string) => {
  const o = objects().find((x) => x.kind === kind && x.metadata?.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o;
};
const deployment = () => find("Deployment", "evidently-vision");
const podSpec = () => deployment().spec.template.spec;
const container = () => podSpec().containers[0];
const env = (name: string) => container().env.find((e: { name: string }) => e.name === name);

describe("evidentlyObjects", () => {
  it("builds the team's service account, deployment, service and the namespace's network policies, all in evidently", () => {
    const kinds = objects().map((o) => `${o.kind}/${o.metadata?.name}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        "ServiceAccount/evidently-vision",
        "Deployment/evidently-vision",
        "Service/evidently-vision",
        "NetworkPolicy/default-deny",
        "NetworkPolicy/allow-team-vision",
      ]),
    );
    for (const o of objects()) expect(o.metadata?.namespace, `${o.kind} ${o.metadata?.name}`).toBe(EVIDENTLY_NAMESPACE);
    expect(find("ServiceAccount", "evidently-vision").automountServiceAccountToken).toBe(false);
  });

  it("runs a restricted pod: non-root uid, no token, read-only root, no privilege, seccomp, all capabilities dropped", () => {
    const spec = podSpec();
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBe("evidently-vision");
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      expect(c.securityContext, c.name).toEqual({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
      });
      expect(c.resources.requests.cpu, c.name).toBeDefined();
      expect(c.resources.requests.memory, c.name).toBeDefined();
      expect(c.resources.limits.memory, c.name).toBeDefined();
    }
  });

  it("mounts emptyDirs where the service writes (/tmp, the image's /app/workspace), and nothing else writable", () => {
    const volumes = Object.fromEntries(podSpec().volumes.map((v: { name: string }) => [v.name, v]));
    const writable = container().volumeMounts.filter((m: { readOnly?: boolean }) => !m.readOnly);
    expect(writable.map((m: { mountPath: string }) => m.mountPath).sort()).toEqual(["/app/workspace", "/tmp"]);
    for (const m of writable) expect(volumes[m.name].emptyDir, m.mountPath).toBeDefined();
    expect(env("HOME")).toEqual({ name: "HOME", value: "/tmp" });
  });

  it("pins the image from the catalogue: evidently/evidently-service at an exact version", () => {
    expect(container().image).toBe(imageRef("evidently"));
    expect(IMAGES.evidently.repository).toMatch(/(^|\/)evidently\/evidently-service$/);
    expect(IMAGES.evidently.tag).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("passes port and config path to the image's `evidently ui` entrypoint, without overriding the command", () => {
    expect(container().command).toBeUndefined();
    expect(container().args).toEqual(["--port", String(EVIDENTLY_PORT), "--conf-path", EVIDENTLY_CONFIG_PATH]);
    expect(container().ports).toEqual([{ name: "http", containerPort: EVIDENTLY_PORT, protocol: "TCP" }]);
  });

  it("reads the write secret inside config.yaml, mounted read-only with mode 0440 from the key the config template provides; nothing from a Secret in its env", () => {
    const provided = Object.keys(evidentlyConfigTemplate({ host: "h", port: 5432, database: "d", user: "u" }));
    expect(env("EVIDENTLY_SECRET")).toBeUndefined();
    expect(container().env.filter((e: { valueFrom?: unknown }) => e.valueFrom)).toEqual([]);
    const mount = container().volumeMounts.find((m: { mountPath: string }) => EVIDENTLY_CONFIG_PATH.startsWith(`${m.mountPath}/`));
    expect(mount, "a mount holding the config path").toBeDefined();
    expect(mount.subPath).toBeUndefined(); // a subPath mount never sees a rotated Secret
    expect(mount.readOnly).toBe(true);
    const volume = podSpec().volumes.find((v: { name: string }) => v.name === mount.name);
    expect(volume.secret.secretName).toBe(evidentlyConfigSecret("vision"));
    expect(evidentlyConfigSecret("vision")).toBe("evidently-vision-config");
    expect(volume.secret.defaultMode).toBe(0o440);
    const file = EVIDENTLY_CONFIG_PATH.slice(mount.mountPath.length + 1);
    expect(volume.secret.items).toEqual([{ key: "config.yaml", path: file }]);
    expect(provided).toEqual(["config.yaml"]);
  });

  it("turns telemetry and the git subprocess off", () => {
    expect(env("DO_NOT_TRACK")?.value).toBe("1");
    expect(env("GIT_COMMIT")?.value).toBe("-");
  });

  it("probes /api/version (the service has no /health) on the http port", () => {
    for (const probe of [container().readinessProbe, container().livenessProbe]) {
      expect(probe.httpGet).toEqual({ path: "/api/version", port: "http" });
    }
  });

  it("serves port 8000 through a ClusterIP Service named evidently-<team> that selects the team's pods", () => {
    const svc = find("Service", "evidently-vision");
    expect(svc.spec.type).toBe("ClusterIP");
    expect(svc.spec.ports).toEqual([{ name: "http", port: EVIDENTLY_PORT, targetPort: "http", protocol: "TCP" }]);
    expect(deployment().spec.template.metadata.labels).toMatchObject(svc.spec.selector);
    expect(deployment().spec.template.metadata.labels).toMatchObject(deployment().spec.selector.matchLabels);
    expect(svc.spec.selector).toEqual(evidentlyPodLabels("vision"));
    expect(evidentlyUrl("vision")).toBe(`http://evidently-vision.${EVIDENTLY_NAMESPACE}.svc:${EVIDENTLY_PORT}`);
  });
});

describe("the evidently namespace's network policies", () => {
  const policy = (name: string) => find("NetworkPolicy", name).spec;

  it("denies everything by default", () => {
    expect(policy("default-deny")).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });

  it("admits the team's own namespace, while it opted into evidently, to the team's instance on 8000 alone", () => {
    const p = policy("allow-team-vision");
    expect(p.podSelector).toEqual({ matchLabels: evidentlyPodLabels("vision") });
    expect(p.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "vision", [serviceOptInLabel("evidently")]: "true" } } }],
        ports: [{ protocol: "TCP", port: EVIDENTLY_PORT }],
      },
    ]);
  });

  it("the team label that policy selects is on the instance's pods, and is its Deployment's selector", () => {
    expect(deployment().spec.template.metadata.labels).toMatchObject(evidentlyPodLabels("vision"));
    expect(deployment().spec.selector.matchLabels).toEqual(evidentlyPodLabels("vision"));
    expect(evidentlyPodLabels("vision")).toEqual({ "app.kubernetes.io/name": "evidently", "mlops.platform/team": "vision" });
  });

  it("admits no scrape: Evidently serves no /metrics, and no Pushgateway runs here any more", () => {
    expect(objects().some((o) => o.kind === "NetworkPolicy" && o.metadata?.name === "allow-monitoring-scrape")).toBe(false);
    expect(objects().some((o) => JSON.stringify(o).includes("pushgateway"))).toBe(false);
  });

  it("allows egress to the database only (besides DNS and the namespace itself)", () => {
    expect(policy("allow-egress").egress).toEqual([{ to: [{ ipBlock: { cidr: "10.20.0.0/16" } }], ports: [{ protocol: "TCP", port: 5432 }] }]);
    const names = objects()
      .filter((o) => o.kind === "NetworkPolicy")
      .map((o) => o.metadata?.name)
      .sort();
    expect(names).toEqual(["allow-dns", "allow-egress", "allow-same-namespace", "allow-team-vision", "default-deny"]);
  });
});

describe("evidentlyConfigTemplate", () => {
  const db = { host: "mlops.abc123.us-east-1.rds.amazonaws.com", port: 5432, database: "evidently", user: "evidently" };
  const rendered = () => renderTemplate(evidentlyConfigTemplate(db), { password: "Xy7pQ2rT9wKm4LnB", secret: "write-secret-123" });

  it("reads exactly the generated password and secret, into the one file", () => {
    expect(templateKeys(evidentlyConfigTemplate(db)).sort()).toEqual(["password", "secret"]);
    expect(Object.keys(rendered())).toEqual(["config.yaml"]);
  });

  it("sets the write secret as the token of the security section (TokenSecurityComponent, type alias token)", () => {
    const config = parse(rendered()["config.yaml"]) as Record<string, any>;
    expect(config.security).toEqual({ type: "token", token: "write-secret-123" });
  });

  it("renders to YAML with SQL storage and the Postgres URL (TLS required, psycopg2 driver)", () => {
    const config = parse(rendered()["config.yaml"]) as Record<string, any>;
    expect(config.storage).toEqual({ type: "sql" });
    expect(config.database.url).toBe(
      "postgresql+psycopg2://evidently:Xy7pQ2rT9wKm4LnB@mlops.abc123.us-east-1.rds.amazonaws.com:5432/evidently?sslmode=require",
    );
    const url = new URL(config.database.url);
    expect(url.protocol).toBe("postgresql+psycopg2:");
    expect([url.username, url.password, url.hostname, url.port, url.pathname]).toEqual(["evidently", "Xy7pQ2rT9wKm4LnB", db.host, "5432", "/evidently"]);
    expect(url.searchParams.get("sslmode")).toBe("require");
  });

  it("keeps datasets in the database too and turns telemetry off", () => {
    const config = parse(rendered()["config.yaml"]) as Record<string, any>;
    expect(config.dataset_storage).toEqual({ type: "sql" });
    expect(config.telemetry).toEqual({ enabled: false });
  });

  it("uses only sections evidently's config loader knows (v0.7.21 load_config raises on others)", () => {
    // LocalConfig fields and component __section__ names in evidently/ui/service at v0.7.21.
    const known = [
      "security",
      "service",
      "storage",
      "telemetry",
      "dashboard",
      "datasets",
      "tracing",
      "litestar",
      "database",
      "dataset_storage",
      "dataset_metadata",
      "snapshot_dataset_links",
      "metadata",
      "data",
      "blob",
      "tracing_storage",
      "local_state",
    ];
    const config = parse(rendered()["config.yaml"]) as Record<string, unknown>;
    for (const section of Object.keys(config)) expect(known, section).toContain(section);
  });
});

describe("schema", () => {
  it("validates every evidently object against the schemas for Kubernetes 1.35", async () => {
    expect(await validateObjects(objects(), "1.35")).toEqual([]);
  });

  it("the schema check catches a broken Deployment (replicas must be an integer)", async () => {
    const broken = structuredClone(deployment());
    broken.spec.replicas = "one";
    expect((await validateObjects([broken], "1.35")).length).toBeGreaterThan(0);
  });
});
