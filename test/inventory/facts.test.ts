/**
 * The inventory's facts: what a rendered upstream object keeps (security fields, in the object's own shape)
 * and drops (content, noise), and the proof that the policy pack judges the facts exactly as the full object.
 */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { asRegistered, LITERAL_VALUE, objectFacts } from "../../scripts/inventory/facts";
import { scopeResolver } from "../../scripts/inventory/scope";
import { projectionDifferences, projectionDifferencesOf } from "../../scripts/inventory/equivalence";

const daemonSet = {
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: {
    name: "exporter",
    labels: { "app.kubernetes.io/name": "exporter", "helm.sh/chart": "x-1.0.0", team: "platform" },
    annotations: { "checksum/config": "abc", "helm.sh/resource-policy": "keep" },
  },
  spec: {
    selector: { matchLabels: { app: "exporter" } },
    template: {
      metadata: { labels: { app: "exporter" }, annotations: { "kubectl.kubernetes.io/default-container": "e" } },
      spec: {
        serviceAccountName: "exporter",
        automountServiceAccountToken: false,
        hostNetwork: true,
        hostPID: true,
        securityContext: { runAsNonRoot: true, runAsUser: 65534 },
        tolerations: [{ operator: "Exists" }],
        volumes: [
          { name: "root", hostPath: { path: "/", type: "Directory" } },
          { name: "creds", secret: { secretName: "exporter-creds", items: [{ key: "k", path: "p" }] } },
          { name: "cfg", configMap: { name: "exporter-config" } },
        ],
        containers: [
          {
            name: "e",
            image: "quay.io/x/exporter:v1.2.3",
            args: ["--path.rootfs=/host/root"],
            ports: [{ containerPort: 9100, hostPort: 9100, name: "metrics" }],
            securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
            resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } },
            env: [
              { name: "API_TOKEN", value: "s3cr3t-literal" },
              { name: "EMPTY", value: "" },
              { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
            ],
            envFrom: [{ secretRef: { name: "exporter-env" } }],
            volumeMounts: [{ name: "root", mountPath: "/host/root", readOnly: true, mountPropagation: "HostToContainer" }],
            livenessProbe: { httpGet: { path: "/", port: 9100 } },
          },
        ],
      },
    },
  },
};

describe("objectFacts", () => {
  const facts = objectFacts(daemonSet, "monitoring");
  const pod = facts.spec.template.spec;
  const container = pod.containers[0];

  it("keeps the pod's security fields in the object's own shape", () => {
    expect(pod).toMatchObject({ serviceAccountName: "exporter", automountServiceAccountToken: false, hostNetwork: true, hostPID: true });
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65534 });
    expect(container.securityContext).toEqual({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(container.image).toBe("quay.io/x/exporter:v1.2.3");
    expect(container.resources).toEqual({ requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } });
    expect(container.ports).toEqual([{ containerPort: 9100, hostPort: 9100 }]);
  });

  it("keeps volume types and host paths, never a Secret's content or a literal env value", () => {
    expect(pod.volumes).toEqual([
      { name: "root", hostPath: { path: "/", type: "Directory" } },
      { name: "creds", secret: { secretName: "exporter-creds" } },
      { name: "cfg", configMap: {} },
    ]);
    expect(container.env).toEqual([
      { name: "API_TOKEN", value: LITERAL_VALUE },
      { name: "EMPTY", value: "" },
      { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
    ]);
    expect(JSON.stringify(facts)).not.toContain("s3cr3t-literal");
    expect(container.envFrom).toEqual([{ secretRef: { name: "exporter-env" } }]);
  });

  it("drops what carries no policy meaning: chart labels, checksums, args, probes, tolerations", () => {
    expect(facts.metadata.labels).toEqual({ team: "platform" });
    expect(facts.metadata.annotations).toEqual({ "helm.sh/resource-policy": "keep" });
    expect(container.args).toBeUndefined();
    expect(container.livenessProbe).toBeUndefined();
    expect(pod.tolerations).toBeUndefined();
    expect(container.volumeMounts).toEqual([{ name: "root", mountPath: "/host/root", readOnly: true }]);
  });

  it("puts a namespaced object without a namespace into the release's, as helm.v4.Chart does; cluster-scoped ones stay without", () => {
    expect(facts.metadata.namespace).toBe("monitoring");
    expect(objectFacts({ ...daemonSet, metadata: { name: "x", namespace: "other" } }, "monitoring").metadata.namespace).toBe("other");
    for (const [apiVersion, kind] of [
      ["rbac.authorization.k8s.io/v1", "ClusterRole"],
      ["apiextensions.k8s.io/v1", "CustomResourceDefinition"],
      ["v1", "Namespace"],
    ]) {
      expect(objectFacts({ apiVersion, kind, metadata: { name: "x" } }, "monitoring").metadata.namespace).toBeUndefined();
    }
    expect(asRegistered({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } }, "ns").metadata.namespace).toBe("ns");
  });

  it("takes a custom kind's scope from its CRD, and refuses a kind it cannot place", () => {
    const crd = { spec: { group: "nvidia.com", names: { kind: "ClusterPolicy" }, scope: "Cluster" } };
    const policy = { apiVersion: "nvidia.com/v1", kind: "ClusterPolicy", metadata: { name: "cluster-policy" } };
    expect(objectFacts(policy, "gpu-operator", scopeResolver([crd])).metadata.namespace).toBeUndefined();
    const monitor = { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "m" } };
    const namespaced = { spec: { group: "monitoring.coreos.com", names: { kind: "ServiceMonitor" }, scope: "Namespaced" } };
    expect(objectFacts(monitor, "monitoring", scopeResolver([namespaced])).metadata.namespace).toBe("monitoring");
    expect(() => objectFacts(policy, "gpu-operator")).toThrow("unknown kind nvidia.com/ClusterPolicy");
    expect(() => asRegistered(policy, "gpu-operator")).toThrow("add it to BUILT_IN in scripts/inventory/scope.ts");
  });

  it("keeps RBAC rules and bindings whole, a Secret's keys only, a CRD's identity only", () => {
    const rules = [{ apiGroups: ["apps"], resources: ["statefulsets"], verbs: ["*"] }];
    expect(objectFacts({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "r" }, rules }, "ns")).toEqual({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "r" },
      rules,
    });
    const binding = { roleRef: { kind: "ClusterRole", name: "r" }, subjects: [{ kind: "ServiceAccount", name: "s", namespace: "ns" }] };
    expect(objectFacts({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "b" }, ...binding }, "ns")).toMatchObject(
      binding,
    );
    const secret = objectFacts({ apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, type: "Opaque", data: { b: "c2VjcmV0", a: "eA==" } }, "ns");
    expect(secret).toEqual({ apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "ns" }, type: "Opaque", keys: ["a", "b"] });
    const crd = objectFacts(
      {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: "x.example.com" },
        spec: {
          group: "example.com",
          names: { kind: "X", plural: "xs" },
          scope: "Namespaced",
          versions: [{ name: "v1", schema: { openAPIV3Schema: { type: "object" } } }],
        },
      },
      "ns",
    );
    expect(crd.spec).toEqual({ group: "example.com", names: { kind: "X" }, scope: "Namespaced", versions: ["v1"] });
  });

  it("keeps a Service's exposure and a CronJob's pod template", () => {
    const svc = objectFacts(
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "s" },
        spec: { type: "LoadBalancer", loadBalancerClass: "x", ports: [{ port: 80 }], selector: { a: "b" } },
      },
      "ns",
    );
    expect(svc.spec).toEqual({ type: "LoadBalancer", loadBalancerClass: "x", ports: [{ port: 80 }] });
    const cron = objectFacts(
      {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: "c" },
        spec: { schedule: "0 * * * *", jobTemplate: { spec: { template: daemonSet.spec.template } } },
      },
      "ns",
    );
    expect(cron.spec.jobTemplate.spec.template.spec.hostPID).toBe(true);
  });
});

describe("the pack judges the facts as it judges the full object", () => {
  it("for the example above, in every environment", async () => {
    for (const env of ["local", "dev", "staging", "prod"] as const) expect(await projectionDifferences([daemonSet], "monitoring", env, env)).toEqual([]);
  });

  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
  const securityContext = fc.record(
    {
      runAsNonRoot: maybe(fc.boolean()),
      runAsUser: maybe(fc.constantFrom(0, 1000)),
      allowPrivilegeEscalation: maybe(fc.boolean()),
      privileged: maybe(fc.boolean()),
      readOnlyRootFilesystem: maybe(fc.boolean()),
      capabilities: maybe(fc.record({ drop: maybe(fc.constantFrom(["ALL"], [])), add: maybe(fc.constantFrom(["NET_ADMIN"], ["NET_BIND_SERVICE"], [])) })),
      seccompProfile: maybe(fc.record({ type: fc.constantFrom("RuntimeDefault", "Unconfined", "Localhost") })),
    },
    { requiredKeys: [] },
  );
  const container = fc.record(
    {
      name: fc.constantFrom("a", "b"),
      image: fc.constantFrom("r/x:1.0", "r/x:latest", "r/x", "r/x@sha256:00"),
      securityContext: maybe(securityContext),
      resources: maybe(
        fc.record(
          {
            requests: maybe(
              fc.record(
                { cpu: maybe(fc.constant("1")), memory: maybe(fc.constant("1Gi")), "nvidia.com/gpu": maybe(fc.constantFrom("1", "0.5")) },
                { requiredKeys: [] },
              ),
            ),
            limits: maybe(fc.record({ memory: maybe(fc.constant("1Gi")), "nvidia.com/gpu": maybe(fc.constant("1")) }, { requiredKeys: [] })),
          },
          { requiredKeys: [] },
        ),
      ),
      ports: maybe(fc.constantFrom([{ containerPort: 80 }], [{ containerPort: 80, hostPort: 80 }])),
      env: maybe(
        fc.array(
          fc.oneof(
            fc.record({ name: fc.constantFrom("PASSWORD", "LOG_LEVEL", "TOKEN_FILE"), value: fc.constantFrom("", "x") }),
            fc.record({ name: fc.constantFrom("PASSWORD", "LEVEL"), valueFrom: fc.constant({ secretKeyRef: { name: "s", key: "k" } }) }),
          ),
          { maxLength: 3 },
        ),
      ),
      envFrom: maybe(fc.constantFrom([{ secretRef: { name: "s" } }], [{ configMapRef: { name: "c" } }])),
    },
    { requiredKeys: ["name", "image"] },
  );
  const podSpec = fc.record(
    {
      hostNetwork: maybe(fc.boolean()),
      hostPID: maybe(fc.boolean()),
      hostIPC: maybe(fc.boolean()),
      securityContext: maybe(securityContext),
      volumes: maybe(
        fc.array(
          fc.constantFrom(
            { name: "h", hostPath: { path: "/" } },
            { name: "e", emptyDir: {} },
            { name: "n", nfs: { server: "x", path: "/" } },
            { name: "s", secret: { secretName: "s" } },
          ),
          { maxLength: 3 },
        ),
      ),
      containers: fc.array(container, { minLength: 1, maxLength: 2 }),
      initContainers: maybe(fc.array(container, { maxLength: 1 })),
    },
    { requiredKeys: ["containers"] },
  );
  const workload = fc.record({
    kind: fc.constantFrom("Deployment", "DaemonSet", "StatefulSet", "Job", "Pod", "CronJob"),
    namespace: maybe(fc.constantFrom("monitoring", "default", "recsys", "gpu-operator")),
    name: fc.constantFrom("gpu-operator", "nvidia-driver-daemonset", "web"),
    team: maybe(fc.constantFrom("recsys", "platform")),
    spec: podSpec,
  });
  const asObject = (w: { kind: string; namespace?: string; name: string; team?: string; spec: any }): Record<string, any> => {
    const template = { metadata: { labels: w.team ? { team: w.team } : {} }, spec: w.spec };
    const spec = w.kind === "Pod" ? w.spec : w.kind === "CronJob" ? { schedule: "@daily", jobTemplate: { spec: { template } } } : { template };
    const apiVersion = w.kind === "Pod" ? "v1" : w.kind.endsWith("Job") ? "batch/v1" : "apps/v1";
    return { apiVersion, kind: w.kind, metadata: { name: w.name, ...(w.namespace ? { namespace: w.namespace } : {}) }, spec };
  };

  it("for 300 generated workloads with random security fields (property)", async () => {
    await fc.assert(
      fc.asyncProperty(workload, fc.constantFrom("dev", "prod") as fc.Arbitrary<"dev" | "prod">, async (w, env) => {
        expect(await projectionDifferences([asObject(w)], "monitoring", env, env)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  // Objects of every kind the pack judges, with the fields the facts keep and, beside them, fields they drop: if a
  // policy starts reading a dropped field, the verdicts part and this property fails.
  const dropped = fc.record(
    {
      tolerations: maybe(fc.constant([{ operator: "Exists" }])),
      nodeSelector: maybe(fc.constant({ "kubernetes.io/os": "linux" })),
      dnsPolicy: maybe(fc.constantFrom("ClusterFirst", "Default")),
      terminationGracePeriodSeconds: maybe(fc.constant(30)),
      runtimeClassName: maybe(fc.constantFrom("nvidia", "kata")),
      hostUsers: maybe(fc.boolean()),
      shareProcessNamespace: maybe(fc.boolean()),
    },
    { requiredKeys: [] },
  );
  const labels = fc.dictionary(
    fc.constantFrom(
      "pod-security.kubernetes.io/enforce",
      "pod-security.kubernetes.io/enforce-version",
      "pod-security.kubernetes.io/warn",
      "mlops.platform/team",
      "team",
      "app",
      "helm.sh/chart",
    ),
    fc.constantFrom("restricted", "privileged", "baseline", "v1.35", "latest", "recsys", "x"),
  );
  const annotations = fc.dictionary(
    fc.constantFrom(
      "service.beta.kubernetes.io/aws-load-balancer-scheme",
      "alb.ingress.kubernetes.io/auth-type",
      "nginx.ingress.kubernetes.io/auth-url",
      "checksum/config",
      "prometheus.io/scrape",
    ),
    fc.constantFrom("internal", "internet-facing", "oidc", "x"),
  );
  const rule = fc.record({
    apiGroups: fc.constantFrom([""], ["*"], ["apps"]),
    resources: fc.constantFrom(["pods"], ["*"], ["pods/exec"], ["secrets"], ["networkpolicies"], ["serviceaccounts/token"]),
    verbs: fc.constantFrom(["get"], ["*"], ["create", "patch"], ["escalate"], ["impersonate"]),
  });
  const anyObject = fc.oneof(
    fc.record({
      apiVersion: fc.constant("v1"),
      kind: fc.constant("Service"),
      metadata: fc.record({ name: fc.constantFrom("web", "ui"), namespace: fc.constantFrom("ingress", "monitoring"), annotations }),
      spec: fc.record(
        {
          type: fc.constantFrom("ClusterIP", "NodePort", "LoadBalancer"),
          loadBalancerClass: maybe(fc.constantFrom("service.k8s.aws/nlb", "other")),
          ports: fc.constant([{ port: 80, targetPort: 8080, nodePort: 30080 }]),
          selector: fc.constant({ app: "web" }),
          externalIPs: maybe(fc.constant(["203.0.113.1"])),
        },
        { requiredKeys: ["type"] },
      ),
    }),
    fc.record({
      apiVersion: fc.constant("networking.k8s.io/v1"),
      kind: fc.constant("Ingress"),
      metadata: fc.record({ name: fc.constant("web"), namespace: fc.constantFrom("ingress", "monitoring"), annotations }),
      spec: fc.record({
        rules: fc.constant([
          { host: "x.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } }] } },
        ]),
        tls: maybe(fc.constant([{ hosts: ["x.example.com"], secretName: "tls" }])),
      }),
    }),
    fc.record({
      apiVersion: fc.constant("rbac.authorization.k8s.io/v1"),
      kind: fc.constantFrom("Role", "ClusterRole"),
      metadata: fc.record({ name: fc.constantFrom("team-edit", "operator"), namespace: maybe(fc.constant("recsys")) }, { requiredKeys: ["name"] }),
      rules: fc.array(rule, { maxLength: 3 }),
    }),
    fc.record({
      apiVersion: fc.constant("rbac.authorization.k8s.io/v1"),
      kind: fc.constantFrom("RoleBinding", "ClusterRoleBinding"),
      metadata: fc.record({ name: fc.constant("b"), namespace: maybe(fc.constant("recsys")) }, { requiredKeys: ["name"] }),
      roleRef: fc.record({ kind: fc.constant("ClusterRole"), name: fc.constantFrom("cluster-admin", "admin", "view") }),
      subjects: fc.constant([{ kind: "Group", name: "g" }]),
    }),
    fc.record({
      apiVersion: fc.constant("v1"),
      kind: fc.constant("Namespace"),
      metadata: fc.record({ name: fc.constantFrom("recsys", "gpu-operator", "monitoring"), labels }),
    }),
  );

  it("for 300 generated objects of every judged kind, dropped fields included (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          anyObject,
          fc.tuple(workload, dropped).map(([w, extra]) => {
            const o = asObject(w);
            const spec = o.kind === "Pod" ? o.spec : o.kind === "CronJob" ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec;
            Object.assign(spec, extra);
            for (const c of spec.containers) Object.assign(c, { command: ["run"], args: ["--x"], livenessProbe: { httpGet: { path: "/", port: 80 } } });
            return o;
          }),
        ),
        fc.constantFrom("dev", "prod") as fc.Arbitrary<"dev" | "prod">,
        async (object, env) => {
          expect(await projectionDifferences([object], "monitoring", env, env)).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("and the comparison does see a difference when one exists", async () => {
    // A Role with a wildcard judged against a projection without its rules would differ: the check is not vacuous.
    const role = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "r" },
      rules: [{ apiGroups: ["*"], resources: ["x"], verbs: ["get"] }],
    };
    expect(await projectionDifferences([role], "ns", "prod", "prod")).toEqual([]);
    expect(await projectionDifferencesOf([role], [{ ...role, rules: [] }], "prod", "prod")).toEqual([
      'only on the full object: k8s-rbac 0:/r: RBAC-02: ClusterRole r has "*" in apiGroups',
    ]);
  });
});
