/** The exceptions registry: its entries, exemption(), expired and unused entries, and the exceptions-registry stack policy. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it, expect, afterEach, vi } from "vitest";
import { EXCEPTIONS, EXCEPTION_IDS, exceptionById, type PolicyException } from "../../policies/exceptions";
import { OWN_WORKLOAD_EXCEPTIONS } from "../../policies/exceptions/own-workloads";
import { UPSTREAM_CHART_EXCEPTIONS } from "../../policies/exceptions/upstream-charts";
import { exceptionsRegistry, expiredExceptions, unusedExceptions } from "../../policies/exceptions-registry";
import { ANY_WORKLOAD, exemption, isoDay } from "../../policies/lib/exceptions";
import { stackReports, stackViolations, type StackItem } from "./harness";

/** The control ids of docs/security-controls.md: the first cell of its table rows. */
const CONTROL_IDS = new Set(
  [...readFileSync(join(__dirname, "..", "..", "docs", "security-controls.md"), "utf8").matchAll(/^\| ([A-Z0-9]+-\d+) \|/gm)].map((m) => m[1]),
);

const entry = (over: Partial<PolicyException> & { namespace?: string; workloads?: string[] } = {}): PolicyException => ({
  id: over.id ?? "kfp-baseline",
  controls: over.controls ?? ["POD-07"],
  scope: { component: "kfp", namespace: over.namespace ?? "kubeflow", workloads: over.workloads ?? ["ml-pipeline"] },
  reason: "KFP's launcher writes to its root filesystem",
  owner: over.owner ?? "ml-platform",
  expires: over.expires ?? "2026-12-31",
});

describe("the shipped registry", () => {
  it("every entry is complete, owned and dated", () => {
    expect(EXCEPTIONS.length).toBeGreaterThan(0);
    for (const e of EXCEPTIONS) {
      expect(e.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(e.controls.length, e.id).toBeGreaterThan(0);
      expect(e.scope.namespace, e.id).not.toBe("");
      expect(e.reason.length, e.id).toBeGreaterThan(20);
      expect(e.owner, e.id).not.toBe("");
      expect(e.expires, e.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Number.isNaN(Date.parse(e.expires)), e.id).toBe(false);
    }
  });
  it("names cluster objects as Kind/name, and never a Namespace: a namespace's own rules are relaxed only by its namespace's entries", () => {
    for (const e of EXCEPTIONS)
      for (const object of e.scope.clusterObjects ?? []) {
        expect(object, e.id).toMatch(/^[A-Z][A-Za-z]+\/[a-z0-9.-]+$/);
        expect(object, e.id).not.toMatch(/^Namespace\//);
      }
  });
  it("ids are unique and indexed", () => {
    expect(EXCEPTION_IDS.size).toBe(EXCEPTIONS.length);
    for (const e of EXCEPTIONS) expect(exceptionById(e.id)).toBe(e);
    expect(exceptionById("no-such-entry")).toBeUndefined();
  });
  it("every control named is a row of docs/security-controls.md", () => {
    expect(CONTROL_IDS.size).toBeGreaterThan(50);
    for (const e of EXCEPTIONS) for (const c of e.controls) expect(CONTROL_IDS.has(c), `${e.id}: ${c}`).toBe(true);
  });
  it("never relaxes exposure or IAM controls, and never the default namespace", () => {
    for (const e of EXCEPTIONS) {
      for (const c of e.controls) expect(c, e.id).not.toMatch(/^(EXP|IAM)-/);
      expect(e.scope.namespace, e.id).not.toBe("default");
    }
  });
  it("relaxes RBAC only for named cluster objects of upstream charts: our own roles are fixed, never excepted", () => {
    const rbacEntries = EXCEPTIONS.filter((e) => e.controls.some((c) => c.startsWith("RBAC-")));
    expect(rbacEntries.length).toBeGreaterThan(0);
    for (const e of rbacEntries) {
      expect(UPSTREAM_CHART_EXCEPTIONS, e.id).toContain(e);
      expect(e.scope.clusterObjects?.length ?? 0, e.id).toBeGreaterThan(0);
      // No workload names: RBAC-01/03 would otherwise be relaxed for a namespaced Role or binding of that name.
      expect(e.scope.workloads, e.id).toEqual([]);
      for (const name of e.scope.clusterObjects ?? []) expect(name, e.id).toMatch(/^Cluster(Role|RoleBinding)\/(?!team-)/);
    }
    for (const e of OWN_WORKLOAD_EXCEPTIONS) for (const c of e.controls) expect(c, e.id).not.toMatch(/^RBAC-/);
  });
  it("docs/security-controls.md's table lists every entry with its origin and exact controls", () => {
    const doc = readFileSync(join(__dirname, "..", "..", "docs", "security-controls.md"), "utf8");
    const rows = [...doc.matchAll(/^\| `([a-z0-9-]+)` \| (upstream chart|our workload) \| [^|]+ \| ([A-Z0-9-, ]+) \|/gm)].map((m) => ({
      id: m[1],
      origin: m[2],
      controls: m[3].split(", "),
    }));
    const origin = (e: PolicyException) => (UPSTREAM_CHART_EXCEPTIONS.includes(e) ? "upstream chart" : "our workload");
    expect(rows).toEqual(EXCEPTIONS.map((e) => ({ id: e.id, origin: origin(e), controls: [...e.controls] })));
  });
  it("none has expired on the fixed test day", () => {
    expect(expiredExceptions("2026-11-22")).toEqual([]);
  });
});

describe("exemption()", () => {
  const DAY = "2026-11-22";
  it("exempts a listed gpu-operator workload for a listed control", () => {
    expect(exemption("gpu-operator", "nvidia-driver-daemonset", "POD-05", DAY)?.id).toBe("gpu-operator-operands");
    expect(exemption("gpu-operator", "nvidia-dcgm-exporter", "POD-01", DAY)?.id).toBe("gpu-operator-operands");
    // Names match exactly: a prefix would widen an entry to its neighbours.
    expect(exemption("gpu-operator", "nvidia-dcgm-exporter-xk2p9", "POD-01", DAY)).toBeUndefined();
    expect(exemption("gpu-operator", "gpu-operator-node-feature-discovery-gc", "POD-04", DAY)).toBeUndefined();
  });
  it("not for an unlisted control, workload or namespace", () => {
    expect(exemption("gpu-operator", "nvidia-driver-daemonset", "POD-08", DAY)).toBeUndefined();
    expect(exemption("gpu-operator", "nvidia-driver", "POD-05", DAY)).toBeUndefined();
    expect(exemption("gpu-operator", "my-nvidia-driver-daemonset", "POD-05", DAY)).toBeUndefined();
    expect(exemption("recsys", "nvidia-driver-daemonset", "POD-05", DAY)).toBeUndefined();
    expect(exemption(undefined, "nvidia-driver-daemonset", "POD-05", DAY)).toBeUndefined();
  });
  it("a namespace-level check (ANY_WORKLOAD) matches the namespace's entry, for listed controls only", () => {
    expect(exemption("gpu-operator", ANY_WORKLOAD, "NS-01", DAY)?.id).toBe("gpu-operator-operands");
    expect(exemption("node-exporter", ANY_WORKLOAD, "NS-01", DAY)?.id).toBe("node-exporter-host-access");
    expect(exemption("gpu-operator", ANY_WORKLOAD, "POD-08", DAY)).toBeUndefined();
    expect(exemption("recsys", ANY_WORKLOAD, "NS-01", DAY)).toBeUndefined();
    expect(exemption("gpu-operator", ANY_WORKLOAD, "NS-01", "2027-07-01")).toBeUndefined();
  });
  it("an unnamed workload (undefined) matches only entries without a workloads list", () => {
    // Regression: undefined used to mean "any workload", exempting unnamed objects from every listed control.
    expect(exemption("gpu-operator", undefined, "NS-01", DAY)).toBeUndefined();
    expect(exemption("gpu-operator", undefined, "POD-05", DAY)).toBeUndefined();
    const registry = [entry({ namespace: "security-scan", workloads: [], controls: ["POD-05"] })];
    expect(exemption("security-scan", undefined, "POD-05", DAY, registry)?.id).toBe("kfp-baseline");
    expect(exemption("kubeflow", undefined, "POD-07", DAY, [entry()])).toBeUndefined();
    expect(exemption("kubeflow", ANY_WORKLOAD, "POD-07", DAY, [entry()])?.id).toBe("kfp-baseline");
  });
  it("still exempts on the expiry day, and no longer the day after", () => {
    expect(exemption("gpu-operator", "nvidia-driver-daemonset", "POD-05", "2027-06-30")).toBeDefined();
    expect(exemption("gpu-operator", "nvidia-driver-daemonset", "POD-05", "2027-07-01")).toBeUndefined();
  });
  it("reads a custom registry: expired entries no longer exempt", () => {
    const registry = [entry({ expires: "2026-01-31" }), entry({ id: "kfp-current", controls: ["POD-01"], expires: "2027-01-31" })];
    expect(exemption("kubeflow", "ml-pipeline", "POD-07", DAY, registry)).toBeUndefined();
    expect(exemption("kubeflow", "ml-pipeline", "POD-07", "2026-01-31", registry)?.id).toBe("kfp-baseline");
    expect(exemption("kubeflow", "ml-pipeline", "POD-01", DAY, registry)?.id).toBe("kfp-current");
    expect(exemption("kubeflow", "ml-pipeline-ui", "POD-01", DAY, registry)).toBeUndefined();
  });
  it("a cluster-scoped object (no namespace) matches only an entry naming it exactly, as Kind/name, in clusterObjects", () => {
    const registry = [
      {
        ...entry({ id: "operator-role", controls: ["RBAC-02"], namespace: "monitoring", workloads: [] }),
        scope: { component: "observability", namespace: "monitoring", workloads: [], clusterObjects: ["ClusterRole/prom-operator"] },
      },
    ];
    expect(exemption(undefined, "ClusterRole/prom-operator", "RBAC-02", DAY, registry)?.id).toBe("operator-role");
    expect(exemption(undefined, "ClusterRole/prom-operator-extra", "RBAC-02", DAY, registry)).toBeUndefined();
    expect(exemption(undefined, "Namespace/prom-operator", "RBAC-02", DAY, registry)).toBeUndefined();
    expect(exemption(undefined, "ClusterRole/prom-operator", "RBAC-01", DAY, registry)).toBeUndefined();
    expect(exemption(undefined, "ClusterRole/prom-operator", "RBAC-02", "2027-01-01", registry)).toBeUndefined();
    expect(exemption(undefined, "ClusterRole/other-role", "RBAC-02", DAY, registry)).toBeUndefined();
    expect(exemption(undefined, undefined, "RBAC-02", DAY, registry)).toBeUndefined();
    // An entry naming only cluster objects does not cover its namespace's workloads or Roles.
    expect(exemption("monitoring", "prom-operator", "RBAC-02", DAY, registry)).toBeUndefined();
    expect(exemption("recsys", "ClusterRole/prom-operator", "RBAC-02", DAY, registry)).toBeUndefined();
  });
  it("an entry with no workloads covers the whole namespace", () => {
    expect(exemption("security-scan", "kube-bench", "POD-05", DAY, [entry({ namespace: "security-scan", workloads: [], controls: ["POD-05"] })])).toBeDefined();
  });
  it("isoDay formats a date as YYYY-MM-DD (UTC)", () => {
    expect(isoDay(new Date("2027-06-30T23:59:59Z"))).toBe("2027-06-30");
  });
});

describe("expiredExceptions / unusedExceptions", () => {
  const registry = [
    entry({ id: "a", expires: "2026-06-30" }),
    entry({ id: "b", expires: "2026-12-31", namespace: "security-scan" }),
    entry({ id: "c", expires: "2027-01-01", namespace: "gpu-operator" }),
  ];
  const ids = (es: PolicyException[]) => es.map((e) => e.id);

  it("lists entries expired before the given day", () => {
    expect(ids(expiredExceptions("2026-06-30", registry))).toEqual([]);
    expect(ids(expiredExceptions("2026-07-01", registry))).toEqual(["a"]);
    expect(ids(expiredExceptions("2027-01-02", registry))).toEqual(["a", "b", "c"]);
  });
  it("the shipped gpu-operator entry expires after 2027-06-30", () => {
    expect(ids(expiredExceptions("2027-06-30"))).not.toContain("gpu-operator-operands");
    expect(ids(expiredExceptions("2027-07-01"))).toContain("gpu-operator-operands");
  });
  it("lists entries whose namespace nothing uses", () => {
    expect(ids(unusedExceptions(new Set(["kubeflow", "gpu-operator"]), registry))).toEqual(["b"]);
    expect(ids(unusedExceptions(new Set(), registry))).toEqual(["a", "b", "c"]);
    expect(ids(unusedExceptions(new Set(["recsys"])))).toEqual(ids([...EXCEPTIONS]));
    expect(ids(unusedExceptions(new Set(["gpu-operator"])))).not.toContain("gpu-operator-operands");
    expect(ids(unusedExceptions(new Set(EXCEPTIONS.map((e) => e.scope.namespace))))).toEqual([]);
  });
});

describe("exceptions-registry stack policy", () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const at = (day: string) => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(`${day}T12:00:00Z`));
  };
  const ns = (name: string): StackItem => ({ type: "kubernetes:core/v1:Namespace", name, props: { metadata: { name } } });
  const EXPIRED = "exception gpu-operator-operands (owner platform-team) expired on 2027-06-30; renew it with a reason or remove the need";

  it("is silent while the entry is current", () => {
    at("2027-06-30");
    expect(stackViolations(exceptionsRegistry, [ns("gpu-operator"), ns("recsys")])).toEqual([]);
  });
  it("reports an expired entry the stack relies on, at the stack", () => {
    at("2027-07-01");
    const reports = stackReports(exceptionsRegistry, [ns("gpu-operator"), ns("recsys")]);
    expect(reports).toContainEqual({ message: EXPIRED, urn: undefined });
    // One report per expired entry of the namespace, each naming its own id.
    const inGpuOperator = EXCEPTIONS.filter((e) => e.scope.namespace === "gpu-operator" && e.expires === "2027-06-30").map((e) => e.id);
    expect(reports.map((r) => /exception (\S+) /.exec(r.message)?.[1]).sort()).toEqual([...inGpuOperator].sort());
  });
  it("ignores an expired entry for a namespace the stack does not create", () => {
    at("2027-07-01");
    expect(stackViolations(exceptionsRegistry, [ns("recsys")])).toEqual([]);
  });
});
