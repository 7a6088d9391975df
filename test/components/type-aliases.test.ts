/**
 * Renamed component types keep deployed URNs: each renamed component registers with an alias to its old type
 * (merged with the caller's aliases). Checked on the options helper and on what the components actually send
 * to the (mock) resource monitor.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { withTypeAliases } from "../../components/aliases";
import { ClusterAutoscaler } from "../../components/autoscaler";
import { KmsKeys } from "../../components/aws/kms";
import { planMocks } from "../../scripts/plan/mocks";
import { Recorder } from "../../scripts/plan/recorder";

// Internal SDK module: the mock monitor, whose registerResource requests carry the alias specs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): unknown };

/** New type → the type deployed stacks still hold. */
const RENAMED = {
  "mlops:autoscaler:ClusterAutoscaler": "mlops:nodes:ClusterAutoscaler",
  "mlops:aws:KmsKeys": "mlops:security:KmsKeys",
} as const;

describe("withTypeAliases", () => {
  it("adds one type alias per previous token", () => {
    expect(withTypeAliases(undefined, "a:b:C")).toEqual({ aliases: [{ type: "a:b:C" }] });
    expect(withTypeAliases({}, "a:b:C", "a:d:C").aliases).toEqual([{ type: "a:b:C" }, { type: "a:d:C" }]);
  });

  it("keeps the caller's aliases and every other option", () => {
    const parent = {} as pulumi.Resource;
    const opts: pulumi.ComponentResourceOptions = { parent, protect: true, aliases: [{ name: "old-name" }, "urn:pulumi:s::p::t::n"] };
    expect(withTypeAliases(opts, "a:b:C")).toEqual({ parent, protect: true, aliases: [{ type: "a:b:C" }, { name: "old-name" }, "urn:pulumi:s::p::t::n"] });
    expect(opts.aliases).toHaveLength(2);
  });
});

interface AliasSpec {
  getType(): string;
  getName(): string;
}
interface Alias {
  getSpec(): AliasSpec | undefined;
  getUrn(): string;
}
interface Request {
  getType(): string;
  getName(): string;
  getAliasesList(): Alias[];
}
interface Monitor {
  registerResource(req: Request, cb: unknown): unknown;
}

describe("renamed components under the runtime mocks", () => {
  const aliasesByType = new Map<string, { type: string; name: string; urn: string }[]>();
  let recorder: Recorder;

  beforeAll(async () => {
    await pulumi.runtime.setMocks({ newResource: (a) => planMocks.newResource(a), call: (a) => planMocks.call(a) }, "mlops-platform", "test", false);
    recorder = new Recorder();
    recorder.attach();
    const monitor = settings.getMonitor() as Monitor;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
      aliasesByType.set(
        req.getType(),
        req.getAliasesList().map((a) => ({ type: a.getSpec()?.getType() ?? "", name: a.getSpec()?.getName() ?? "", urn: a.getUrn() })),
      );
      return register(req, cb);
    };
    const provider = new k8s.Provider("cluster", { kubeconfig: "{}" });
    new KmsKeys("mlops-test", { accountId: "444455556666", region: "us-east-1" });
    new ClusterAutoscaler(
      "cluster-autoscaler",
      { clusterName: "mlops-test", region: "us-east-1", imageTag: "v1.35.2", eksClusterName: "mlops-test", kubernetesProvider: provider },
      { aliases: [{ name: "autoscaler" }] },
    );
    await Recorder.settle();
  });

  it.each(Object.entries(RENAMED))("%s registers under its new type with an alias to %s", (type, previous) => {
    const component = recorder.resources.filter((r) => r.type === type);
    expect(component).toHaveLength(1);
    expect(recorder.resources.some((r) => r.type === previous)).toBe(false);
    expect(aliasesByType.get(type)).toContainEqual({ type: previous, name: "", urn: "" });
  });

  it("keeps the caller's aliases next to the type alias", () => {
    expect(aliasesByType.get("mlops:autoscaler:ClusterAutoscaler")).toEqual([
      { type: "mlops:nodes:ClusterAutoscaler", name: "", urn: "" },
      { type: "", name: "autoscaler", urn: "" },
    ]);
  });

  it("parents the children to the renamed component, so their URNs follow through its alias", () => {
    const kms = recorder.resources.find((r) => r.type === "mlops:aws:KmsKeys")!;
    expect(kms.urn).toBe("urn:pulumi:test::mlops-platform::mlops:aws:KmsKeys::mlops-test");
    const keys = recorder.resources.filter((r) => r.parent === kms.urn);
    expect(keys.map((k) => k.type)).toContain("aws:kms/key:Key");
    expect(keys.every((k) => k.urn.includes("::mlops:aws:KmsKeys$aws:kms/"))).toBe(true);
  });
});
