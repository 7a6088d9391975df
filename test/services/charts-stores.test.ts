/** The objects we author for the MLOps services, part 2: service network policies, Feast, the database setup (RDS Job, CloudNativePG), KServe. */
import { describe, it, expect } from "vitest";
import { CNPG_CLUSTER, CNPG_HOST, cnpgObjects } from "../../charts/services/database-cnpg";
import {
  DATABASES_NAMESPACE,
  MASTER_PG_SERVICE,
  MASTER_SECRET,
  masterServiceTemplate,
  PASSWORDS_DIR,
  SETUP_SQL,
  setupJobName,
} from "../../charts/services/database-setup";
import {
  FEAST_NAMESPACE,
  FEAST_PORTS,
  feastDataStoresSecret,
  feastDataStoresTemplate,
  feastNetworkPolicies,
  feastServiceMonitor,
  featureStore,
} from "../../charts/services/feast";
import { KNATIVE_SERVING_NAMESPACE, knativeServing, kserveDeploymentMode, PREDICTOR_PORT, predictorPodMonitor } from "../../charts/services/kserve";
import { MLFLOW_PORT } from "../../charts/services/mlflow";
import { serviceNetworkPolicies, type EgressRule } from "../../charts/services/network";
import { LINK_LOCAL_CIDR, POD_IDENTITY_AGENT_CIDR } from "../../charts/team/network";
import { kserveValues } from "../../components/services/model-serving";
import { MONITORING_NAMESPACE, serviceOptInLabel } from "../../domain/team-services";
import { CHARTS } from "../../domain/versions";
import {
  Obj,
  LABELS,
  DB,
  RDS_EGRESS,
  GRANTS,
  HOSTILE,
  mlflow,
  setup,
  redis,
  find,
  podSpecOf,
  containersOf,
  envMap,
  parseIni,
  renderGoTemplate,
} from "./chart-fixtures";

describe("serviceNetworkPolicies", () => {
  const policies = (egress: EgressRule[] = [], extra: object = {}) =>
    serviceNetworkPolicies({ namespace: "svc", service: "mlflow", servedPods: { app: "x" }, servedPorts: [5000, "grpc"], egress, ...extra }) as Obj[];
  const byName = (objs: Obj[], name: string) => find(objs, "NetworkPolicy", name);

  it("denies all ingress and egress by default, and allows DNS and the namespace itself", () => {
    const objs = policies();
    expect(byName(objs, "default-deny").spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    expect(byName(objs, "allow-dns").spec.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
        ports: [
          { protocol: "UDP", port: 53 },
          { protocol: "TCP", port: 53 },
        ],
      },
    ]);
    expect(byName(objs, "allow-same-namespace").spec.ingress).toEqual([{ from: [{ podSelector: {} }] }]);
    for (const o of objs) expect(o.metadata?.namespace).toBe("svc");
  });

  it("admits exactly the namespaces labelled services.mlops.platform/<service>=true, to the served pods on the served ports", () => {
    const clients = byName(policies(), "allow-clients").spec;
    expect(clients).toEqual({
      podSelector: { matchLabels: { app: "x" } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { [serviceOptInLabel("mlflow")]: "true" } } }],
          ports: [
            { protocol: "TCP", port: 5000 },
            { protocol: "TCP", port: "grpc" },
          ],
        },
      ],
    });
  });

  it("adds platform namespaces named in alsoFrom; no allow-clients without a service or served pods", () => {
    const also = byName(policies([], { alsoFrom: ["kubeflow"] }), "allow-clients").spec.ingress[0].from;
    expect(also).toContainEqual({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kubeflow" } } });
    const none = serviceNetworkPolicies({ namespace: "databases", metricsPort: false, egress: [] }) as Obj[];
    expect(none.map((p) => p.metadata?.name)).toEqual(["default-deny", "allow-dns", "allow-same-namespace"]);
  });

  it("lets Prometheus scrape the metrics port from the monitoring namespace, unless metrics are off", () => {
    const scrape = byName(policies([], { metricsPort: 9090 }), "allow-monitoring-scrape").spec;
    expect(scrape.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": MONITORING_NAMESPACE } } }], ports: [{ protocol: "TCP", port: 9090 }] },
    ]);
    expect(byName(policies(), "allow-monitoring-scrape").spec.ingress[0].ports).toEqual([{ protocol: "TCP", port: "metrics" }]);
    expect(policies([], { metricsPort: false }).map((p) => p.metadata?.name)).not.toContain("allow-monitoring-scrape");
  });

  it("translates each egress kind", () => {
    const egress = byName(
      policies([
        { kind: "namespace", namespace: "databases", podLabels: { "cnpg.io/cluster": CNPG_CLUSTER }, ports: [5432] },
        { kind: "cidr", cidr: "10.20.0.0/16", ports: [6379] },
        { kind: "aws-apis" },
        { kind: "pod-identity" },
      ]),
      "allow-egress",
    ).spec.egress;
    expect(egress).toEqual([
      {
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "databases" } },
            podSelector: { matchLabels: { "cnpg.io/cluster": CNPG_CLUSTER } },
          },
        ],
        ports: [{ protocol: "TCP", port: 5432 }],
      },
      { to: [{ ipBlock: { cidr: "10.20.0.0/16" } }], ports: [{ protocol: "TCP", port: 6379 }] },
      {
        to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", LINK_LOCAL_CIDR] } }],
        ports: [{ protocol: "TCP", port: 443 }],
      },
      { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT_CIDR } }], ports: [{ protocol: "TCP", port: 80 }] },
    ]);
  });

  it("has no allow-egress policy when no egress is listed", () => {
    expect(policies().map((p) => p.metadata?.name)).not.toContain("allow-egress");
  });

  it("MLflow: clients on 5000, scraped on 5000, egress to the database and S3 only", () => {
    const objs = mlflow();
    expect(byName(objs, "allow-clients").spec.ingress[0]).toEqual({
      from: [{ namespaceSelector: { matchLabels: { "services.mlops.platform/mlflow": "true" } } }],
      ports: [{ protocol: "TCP", port: MLFLOW_PORT }],
    });
    expect(byName(objs, "allow-monitoring-scrape").spec.ingress[0].ports).toEqual([{ protocol: "TCP", port: MLFLOW_PORT }]);
    expect(byName(objs, "allow-egress").spec.egress).toHaveLength(3);
  });

  it("Feast: each team's namespace (opted in) reaches its own store's four servers only; metrics on 8000; no service-wide admission", () => {
    const objs = feastNetworkPolicies({ teams: ["recsys", "nlp-core"], egress: [RDS_EGRESS] }) as Obj[];
    expect(objs.map((o) => o.metadata?.name)).not.toContain("allow-clients");
    for (const team of ["recsys", "nlp-core"]) {
      const spec = byName(objs, `allow-team-${team}`).spec;
      expect(spec.podSelector).toEqual({ matchLabels: { "feast.dev/name": team } });
      expect(spec.ingress).toHaveLength(1);
      expect(spec.ingress[0].from).toEqual([
        { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": team, "services.mlops.platform/feast": "true" } } },
      ]);
      expect(spec.ingress[0].ports.map((p: { port: number }) => p.port).sort()).toEqual([6566, 6570, 6572, 8815]);
    }
    expect(Object.values(FEAST_PORTS).sort()).toEqual([6566, 6570, 6572, 8815]);
    expect(byName(objs, "allow-monitoring-scrape").spec.ingress[0].ports).toEqual([{ protocol: "TCP", port: 8000 }]);
    for (const o of objs) expect(o.metadata?.namespace).toBe(FEAST_NAMESPACE);
  });
});

describe("Feast", () => {
  const OIDC = { issuer: "https://idp.example.com", audience: "mlops-kubectl" };
  const fs = () => featureStore({ team: "recsys", oidc: OIDC, labels: LABELS }) as Obj;
  const SECRET = feastDataStoresSecret("recsys");

  it("the FeatureStore keeps the registry in SQL and the online store in Redis, both from the team's data-stores Secret", () => {
    const s = fs().spec.services;
    expect(SECRET).toBe("feast-recsys-data-stores");
    expect(s.registry.local.persistence.store).toEqual({ type: "sql", secretRef: { name: SECRET } });
    expect(s.onlineStore.persistence.store).toEqual({ type: "redis", secretRef: { name: SECRET } });
    expect(s.offlineStore.persistence.file).toEqual({ type: "duckdb" });
    expect(s.registry.local.server.restAPI).toBe(true);
    expect(s.onlineStore.server.metrics).toBe(true);
  });

  it("the data-stores Secret's keys are the store types the FeatureStore names, its OIDC key, plus the files and variables the servers read", () => {
    const spec = fs().spec;
    const services = spec.services;
    const types = [services.registry.local.persistence.store.type, services.onlineStore.persistence.store.type];
    const mounted = services.volumes.flatMap((v: any) => (v.secret?.secretName === SECRET ? v.secret.items.map((i: any) => i.key) : []));
    const variables = services.onlineStore.server.env.flatMap((e: any) => (e.valueFrom?.secretKeyRef?.name === SECRET ? [e.valueFrom.secretKeyRef.key] : []));
    expect(mounted).toEqual(["pg_service.conf"]);
    expect(variables).toEqual(["redis-password"]);
    expect(spec.authz.oidc.secretRef).toEqual({ name: SECRET });
    const keys = Object.keys(feastDataStoresTemplate(DB, { host: "h", port: 6379, tls: true }, OIDC)).sort();
    expect(keys).toEqual([...types, spec.authz.oidc.secretKeyName, ...mounted, ...variables].sort());
  });

  it("every server has a memory limit", () => {
    const s = fs().spec.services;
    for (const server of [s.registry.local.server, s.offlineStore.server, s.onlineStore.server]) expect(server.resources.limits.memory).toBeDefined();
  });

  it("the ServiceMonitor selects every store's online server Service and its metrics port", () => {
    const sm = feastServiceMonitor(LABELS) as Obj;
    expect(sm.metadata?.namespace).toBe(FEAST_NAMESPACE);
    expect(sm.spec.selector.matchLabels).toEqual({ "feast.dev/service-type": "online" });
    expect(sm.spec.endpoints).toEqual([{ port: "metrics", interval: "30s" }]);
  });

  it("in-cluster Redis: one replica with AUTH and append-only data on a volume, ClusterIP on 6379", () => {
    const sts = find(redis(), "StatefulSet");
    expect(sts.spec.replicas).toBe(1);
    const c = containersOf(sts)[0];
    expect(c.command.join(" ")).toMatch(/--appendonly yes --dir \/data --protected-mode yes/);
    expect(c.volumeMounts).toEqual([
      { name: "data", mountPath: "/data" },
      { name: "config", mountPath: "/etc/redis", readOnly: true },
    ]);
    expect(podSpecOf(sts).volumes).toEqual([
      { name: "config", secret: { secretName: "feast-redis-auth", defaultMode: 0o440, items: [{ key: "redis.conf", path: "redis.conf" }] } },
    ]);
    expect(sts.spec.volumeClaimTemplates[0].metadata.name).toBe("data");
    expect(find(redis(), "Service").spec).toMatchObject({ type: "ClusterIP", ports: [{ port: 6379 }] });
  });
});

describe("database setup Job (RDS)", () => {
  const job = () => find(setup(), "Job");

  it("names the Job by a hash that changes when a grant changes and not otherwise", () => {
    const name = setupJobName(GRANTS);
    expect(name).toMatch(/^database-setup-[0-9a-f]{8}$/);
    expect(job().metadata?.name).toBe(name);
    expect(setupJobName(structuredClone(GRANTS))).toBe(name);
    expect(setupJobName(GRANTS.slice(0, 2))).not.toBe(name);
    expect(setupJobName([...GRANTS.slice(0, 2), { ...GRANTS[2], secretName: "evidently-db-2" }])).not.toBe(name);
    expect(setupJobName([...GRANTS.slice(0, 2), { ...GRANTS[2], database: "drift" }])).not.toBe(name);
  });

  it("creates roles and databases only when missing, with ON_ERROR_STOP", () => {
    expect(SETUP_SQL.split("\n")[0]).toBe("\\set ON_ERROR_STOP on");
    expect(SETUP_SQL).toMatch(/format\('CREATE ROLE %I LOGIN', :'role'\) WHERE NOT EXISTS \(SELECT FROM pg_roles WHERE rolname = :'role'\) \\gexec/);
    expect(SETUP_SQL).toMatch(/format\('CREATE DATABASE %I', :'db'\) WHERE NOT EXISTS \(SELECT FROM pg_database WHERE datname = :'db'\) \\gexec/);
    // Every CREATE is inside a guarded format(): no bare CREATE statement that fails on a second run.
    const bareCreates = SETUP_SQL.split("\n").filter((l) => /^\s*CREATE\s/i.test(l));
    expect(bareCreates).toEqual([]);
  });

  it("sets the password idempotently, without superuser rights, and confines the role to its database", () => {
    // Naming SUPERUSER at all needs a true superuser, which the RDS master is not; made roles are never superusers.
    expect(SETUP_SQL).toContain(`ALTER ROLE :"role" WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD :'password';`);
    expect(SETUP_SQL).not.toMatch(/SUPERUSER/i);
    expect(SETUP_SQL).toContain(`REVOKE ALL ON DATABASE :"db" FROM PUBLIC;`);
    expect(SETUP_SQL).toContain(`GRANT CONNECT, CREATE, TEMPORARY ON DATABASE :"db" TO :"role";`);
    expect(SETUP_SQL).toMatch(/\\connect :"db"\nGRANT USAGE, CREATE ON SCHEMA public TO :"role";/);
  });

  it("the ConfigMap holds the script and an entrypoint that runs psql once per grant", () => {
    const cm = find(setup(), "ConfigMap", "database-setup");
    expect(cm.data!["setup.sql"]).toBe(SETUP_SQL);
    const entry = cm.data!["entrypoint.sh"];
    expect(entry).toMatch(/^set -eu\n/);
    expect(entry).toMatch(/for grant in \$GRANTS; do/);
    // psql gets the path of the role's password file; it reads the file itself, so the password is never on a command line.
    expect(entry).toContain(`psql -v role="$role" -v db="$db" -v passwordfile="${PASSWORDS_DIR}/$role" -f /sql/setup.sql`);
    expect(entry).not.toMatch(/password=/);
    expect(SETUP_SQL.split("\n")[1]).toBe("\\set password `cat :'passwordfile'`");
    expect(SETUP_SQL).not.toMatch(/getenv/);
  });

  it("passes one role:database entry per grant, and mounts one password file per grant, named after its role", () => {
    const j = job();
    const c = containersOf(j)[0];
    const env = envMap(c);
    expect(env.GRANTS).toBe("mlflow:mlflow feast:feast evidently:evidently");
    expect(env.PGHOST).toBe(DB.host);
    expect(env.PGPORT).toBe("5432");
    expect(c.volumeMounts).toContainEqual({ name: "passwords", mountPath: PASSWORDS_DIR, readOnly: true });
    expect(podSpecOf(j).volumes).toContainEqual({
      name: "passwords",
      projected: { defaultMode: 0o440, sources: GRANTS.map((g) => ({ secret: { name: g.secretName, items: [{ key: "password", path: g.role }] } })) },
    });
    const hyphen = find(setup([{ role: "model-registry", database: "registry", secretName: "r" }]), "Job");
    expect(envMap(containersOf(hyphen)[0]).GRANTS).toBe("model-registry:registry");
    expect(podSpecOf(hyphen).volumes.find((v: any) => v.name === "passwords").projected.sources).toEqual([
      { secret: { name: "r", items: [{ key: "password", path: "model-registry" }] } },
    ]);
  });

  it("connects as the master through libpq's service file, mounted from the synced master Secret", () => {
    const j = job();
    const c = containersOf(j)[0];
    expect(envMap(c)).toMatchObject({ PGSERVICE: MASTER_PG_SERVICE, PGSERVICEFILE: "/etc/database-setup/master/pg_service.conf", PGDATABASE: "postgres" });
    expect(c.volumeMounts).toContainEqual({ name: "master", mountPath: "/etc/database-setup/master", readOnly: true });
    expect(podSpecOf(j).volumes).toContainEqual({
      name: "master",
      secret: { secretName: MASTER_SECRET, defaultMode: 0o440, items: [{ key: "pg_service.conf", path: "pg_service.conf" }] },
    });
    const file = renderGoTemplate(masterServiceTemplate()["pg_service.conf"], { username: "mlops_admin", password: HOSTILE });
    expect(parseIni(file)).toEqual({ [MASTER_PG_SERVICE]: { user: "mlops_admin", password: HOSTILE } });
  });

  it("the entrypoint splits each entry as the env builds it (simulated)", () => {
    const env = envMap(containersOf(job())[0]);
    const calls = String(env.GRANTS)
      .split(" ")
      .map((grant) => {
        const [role, db] = grant.split(":");
        return { role, db };
      });
    expect(calls).toEqual(GRANTS.map((g) => ({ role: g.role, db: g.database })));
  });

  it("runs the script from the ConfigMap, retries, and cleans up after a day", () => {
    const j = job();
    expect(containersOf(j)[0].command).toEqual(["/bin/sh", "/sql/entrypoint.sh"]);
    expect(podSpecOf(j).volumes).toContainEqual({ name: "sql", configMap: { name: "database-setup" } });
    expect(podSpecOf(j).restartPolicy).toBe("OnFailure");
    expect(j.spec.ttlSecondsAfterFinished).toBe(86400);
    for (const o of setup()) expect(o.metadata?.namespace).toBe(DATABASES_NAMESPACE);
  });
});

describe("CloudNativePG (existing clusters)", () => {
  const objs = () => cnpgObjects({ instances: 2, storageGiB: 30, grants: GRANTS, labels: LABELS }) as Obj[];

  it("a Cluster with the size asked, no superuser, scram passwords", () => {
    const c = find(objs(), "Cluster", CNPG_CLUSTER);
    expect(c.metadata?.namespace).toBe(DATABASES_NAMESPACE);
    expect(c.spec).toMatchObject({
      instances: 2,
      storage: { size: "30Gi" },
      enableSuperuserAccess: false,
      postgresql: { parameters: { password_encryption: "scram-sha-256" } },
    });
  });

  it("one managed login role per grant, its password from the grant's Secret", () => {
    expect(find(objs(), "Cluster").spec.managed.roles).toEqual(
      GRANTS.map((g) => ({ name: g.role, ensure: "present", login: true, passwordSecret: { name: g.secretName } })),
    );
  });

  it("one Database per grant, owned by its role", () => {
    const dbs = objs().filter((o) => o.kind === "Database");
    expect(dbs.map((d) => d.spec)).toEqual(GRANTS.map((g) => ({ name: g.database, owner: g.role, cluster: { name: CNPG_CLUSTER }, ensure: "present" })));
    expect(dbs.map((d) => d.metadata?.name)).toEqual(["mlflow", "feast", "evidently"]);
  });

  it("a PodMonitor on the cluster's pods, and the rw Service host the services use", () => {
    expect(find(objs(), "PodMonitor").spec).toEqual({
      selector: { matchLabels: { "cnpg.io/cluster": CNPG_CLUSTER } },
      podMetricsEndpoints: [{ port: "metrics" }],
    });
    expect(CNPG_HOST).toBe(`${CNPG_CLUSTER}-rw.databases.svc`);
  });
});

describe("KServe", () => {
  it("maps the config mode to KServe's deployment mode", () => {
    expect(kserveDeploymentMode("standard")).toBe("Standard");
    expect(kserveDeploymentMode("serverless")).toBe("Knative");
  });

  it("kserveValues keeps our overrides and sets the mode and chart version", () => {
    const v = kserveValues("serverless") as any;
    expect(v.kserve.controller.deploymentMode).toBe("Knative");
    expect(v.kserve.version).toBe(CHARTS.kserveResources.version);
    expect(v.kserve.controller.gateway).toMatchObject({ disableIstioVirtualHost: true, disableIngressCreation: true });
    expect((kserveValues("standard") as any).kserve.controller.deploymentMode).toBe("Standard");
    // The storage initializer lands in restricted team namespaces: it must carry everything restricted asks.
    expect(v.kserve.storage.containerSecurityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
  });

  it("KnativeServing uses Kourier (ClusterIP) as the ingress, no Istio, cluster-local domain", () => {
    const ks = knativeServing(LABELS) as Obj;
    expect(ks.metadata?.namespace).toBe(KNATIVE_SERVING_NAMESPACE);
    expect(ks.spec.ingress).toEqual({ kourier: { enabled: true, "service-type": "ClusterIP" } });
    expect(ks.spec.config.network["ingress-class"]).toBe("kourier.ingress.networking.knative.dev");
    expect(ks.spec.config.domain).toEqual({ "svc.cluster.local": "" });
    expect(JSON.stringify(ks)).not.toMatch(/istio/i);
  });

  it("the predictor PodMonitor scrapes port 8080 /metrics of every InferenceService pod in any namespace", () => {
    const pm = predictorPodMonitor() as Obj;
    expect(PREDICTOR_PORT).toBe(8080);
    expect(pm.metadata?.namespace).toBe(MONITORING_NAMESPACE);
    expect(pm.spec.namespaceSelector).toEqual({ any: true });
    expect(pm.spec.selector).toEqual({ matchExpressions: [{ key: "serving.kserve.io/inferenceservice", operator: "Exists" }] });
    expect(pm.spec.podMetricsEndpoints[0]).toMatchObject({ portNumber: 8080, path: "/metrics" });
  });
});
