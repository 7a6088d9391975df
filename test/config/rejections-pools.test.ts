/** nodePools[]: names, sizes, the system pool, instance types, disk size, labels and taints. */
import { describe, it, expect } from "vitest";
import { expectProblem, expectValid, fixture, problemsOf } from "./fixtures";

describe("pool names", () => {
  it("rejects an upper-case pool name", () => {
    const cfg = fixture("prod");
    cfg.nodePools[2].name = "GPU-Inference";
    expectProblem(cfg, "nodePools[2].name", '"GPU-Inference" is not a DNS-1123 label');
  });

  it("rejects a pool name ending in '-'", () => {
    const cfg = fixture("prod");
    cfg.nodePools[1].name = "cpu-";
    expectProblem(cfg, "nodePools[1].name", "is not a DNS-1123 label");
  });

  it("rejects a pool name longer than 30 characters", () => {
    const cfg = fixture("prod");
    cfg.nodePools[1].name = "c".repeat(31);
    expectProblem(cfg, "nodePools[1].name", "is longer than 30 characters");
  });

  it("rejects a duplicate pool name, at the later pool", () => {
    const cfg = fixture("prod");
    cfg.nodePools[3].name = "gpu-inference";
    expectProblem(cfg, "nodePools[3].name", '"gpu-inference" is already the name of nodePools[2]');
  });
});

describe("pool sizes", () => {
  it("rejects minSize greater than maxSize", () => {
    const cfg = fixture("dev");
    cfg.nodePools[2].minSize = 3;
    expectProblem(cfg, "nodePools[2].minSize", "3 is greater than maxSize 2");
  });

  it("rejects desiredSize above maxSize", () => {
    const cfg = fixture("prod");
    cfg.nodePools[0].desiredSize = 7;
    expectProblem(cfg, "nodePools[0].desiredSize", "7 is outside minSize..maxSize (3..6)");
  });

  it("rejects desiredSize below minSize", () => {
    const cfg = fixture("dev");
    cfg.nodePools[0].desiredSize = 0;
    expectProblem(cfg, "nodePools[0].desiredSize", "0 is outside minSize..maxSize (1..3)");
  });

  it("rejects a negative minSize", () => {
    const cfg = fixture("dev");
    cfg.nodePools[1].minSize = -1;
    expectProblem(cfg, "nodePools[1].minSize", "-1 is below the minimum 0");
  });

  it("rejects maxSize 0", () => {
    const cfg = fixture("dev");
    cfg.nodePools[1].maxSize = 0;
    expectProblem(cfg, "nodePools[1].maxSize", "0 is below the minimum 1");
  });

  it("rejects a fractional size", () => {
    const cfg = fixture("dev");
    cfg.nodePools[1].maxSize = 2.5;
    expectProblem(cfg, "nodePools[1].maxSize", "2.5 is not a whole number");
  });
});

describe("system pool", () => {
  it("rejects a system pool that scales to zero", () => {
    const cfg = fixture("dev");
    cfg.nodePools[0].minSize = 0;
    expectProblem(cfg, "nodePools[0].minSize", "the system pool cannot scale to zero");
  });

  it("rejects fewer than 2 system nodes in prod", () => {
    const cfg = fixture("prod");
    cfg.nodePools[0].minSize = 1;
    expectProblem(cfg, "nodePools[0].minSize", "prod runs at least 2 system nodes, one per AZ");
  });

  it("accepts a single system node outside prod", () => {
    const cfg = fixture("dev");
    cfg.nodePools[0].minSize = 1;
    expectValid(cfg);
  });

  it("rejects a spot system pool in prod", () => {
    const cfg = fixture("prod");
    cfg.nodePools[0].capacityType = "spot";
    expectProblem(cfg, "nodePools[0].capacityType", "the prod system pool runs on-demand");
  });

  it("rejects a second system pool", () => {
    const cfg = fixture("prod");
    cfg.nodePools[1].role = "system";
    expectProblem(cfg, "nodePools", 'needs exactly one pool with role "system" (found 2)');
  });

  it("rejects no system pool", () => {
    const cfg = fixture("prod");
    cfg.nodePools[0].role = "cpu";
    expectProblem(cfg, "nodePools", 'needs exactly one pool with role "system" (found 0)');
  });

  it("rejects an unknown role", () => {
    const cfg = fixture("prod");
    cfg.nodePools[1].role = "memory";
    expectProblem(cfg, "nodePools[1].role", '"memory" is not one of: system, cpu, gpu');
  });
});

describe("instance types", () => {
  it("rejects an instance type missing from the catalogue", () => {
    const cfg = fixture("prod");
    cfg.nodePools[1].instanceTypes[0] = "m6i.huge";
    expectProblem(cfg, "nodePools[1].instanceTypes[0]", '"m6i.huge" is not in the instance catalogue');
  });

  it("rejects an empty instance-type list", () => {
    const cfg = fixture("prod");
    cfg.nodePools[1].instanceTypes = [];
    expectProblem(cfg, "nodePools[1].instanceTypes", "needs at least one instance type");
  });

  it("rejects a CPU instance type in a GPU pool", () => {
    const cfg = fixture("prod");
    cfg.nodePools[2].instanceTypes[1] = "m6i.xlarge";
    expectProblem(cfg, "nodePools[2].instanceTypes[1]", "m6i.xlarge has no GPU; GPU pools take the GPU families g4dn, g5, g6, g6e, p3, p4d, p4de, p5, p5e");
  });

  it("rejects a GPU instance type in a CPU pool", () => {
    const cfg = fixture("prod");
    cfg.nodePools[1].instanceTypes[2] = "g6.xlarge";
    expectProblem(cfg, "nodePools[1].instanceTypes[2]", 'g6.xlarge is a GPU instance type; put it in a pool with role "gpu"');
  });

  it("rejects a GPU instance type in the system pool", () => {
    const cfg = fixture("prod");
    cfg.nodePools[0].instanceTypes[0] = "g5.xlarge";
    expectProblem(cfg, "nodePools[0].instanceTypes[0]", "g5.xlarge is a GPU instance type");
  });

  it("rejects an unknown capacity type", () => {
    const cfg = fixture("prod");
    cfg.nodePools[1].capacityType = "reserved";
    expectProblem(cfg, "nodePools[1].capacityType", '"reserved" is not one of: on-demand, spot');
  });
});

describe("disk size", () => {
  it("rejects a disk size that is not a quantity", () => {
    const cfg = fixture("prod");
    cfg.nodePools[0].diskSize = "lots";
    expectProblem(cfg, "nodePools[0].diskSize", '"lots" is not a Kubernetes quantity');
  });

  it("rejects a disk size that is not a whole number of Gi", () => {
    const cfg = fixture("prod");
    cfg.nodePools[0].diskSize = "100.5Gi";
    expectProblem(cfg, "nodePools[0].diskSize", '"100.5Gi" is not a whole number of Gi');
  });

  it("rejects a decimal-unit disk size that is not whole Gi", () => {
    const cfg = fixture("prod");
    cfg.nodePools[0].diskSize = "100G";
    expectProblem(cfg, "nodePools[0].diskSize", '"100G" is not a whole number of Gi');
  });

  it("rejects a disk below 20Gi", () => {
    const cfg = fixture("prod");
    cfg.nodePools[0].diskSize = "10Gi";
    expectProblem(cfg, "nodePools[0].diskSize", '"10Gi" is below the 20Gi a node image needs');
  });

  it("accepts exactly 20Gi, also written in Mi", () => {
    const cfg = fixture("prod");
    cfg.nodePools[0].diskSize = "20Gi";
    expectValid(cfg);
    cfg.nodePools[0].diskSize = "20480Mi";
    expectValid(cfg);
  });
});

describe("labels and taints", () => {
  it.each(["kubernetes.io/role", "node.kubernetes.io/instance-type", "k8s.io/x", "nvidia.com/gpu.present", "mlops.platform/pool"])(
    "rejects the reserved label prefix of %s",
    (key) => {
      const cfg = fixture("prod");
      cfg.nodePools[1].labels = { [key]: "x" };
      expectProblem(cfg, `nodePools[1].labels."${key}"`, "uses a prefix reserved for Kubernetes, NVIDIA or the platform");
    },
  );

  it("accepts a label under a prefix of the team's own domain", () => {
    const cfg = fixture("prod");
    cfg.nodePools[1].labels = { "example.com/workload": "batch" };
    expectValid(cfg);
  });

  it("rejects an invalid label value", () => {
    const cfg = fixture("prod");
    cfg.nodePools[1].labels = { workload: "batch jobs" };
    expectProblem(cfg, "nodePools[1].labels.workload", '"batch jobs" is not a valid label value');
  });

  // zod 4 reports a bad record key as an `invalid_key` issue ("Invalid key in record") that wraps the
  // primitive's own message; the loader must pass that message on, like it does for every other field.
  it("rejects an invalid label key with the label-key rule's own message", () => {
    const cfg = fixture("prod");
    cfg.nodePools[1].labels = { "a/b/c": "x" };
    const problems = problemsOf(cfg);
    expect(problems).toContainEqual(
      expect.objectContaining({ path: expect.stringMatching(/^nodePools\[1\]\.labels\b/), message: expect.stringContaining(`"a/b/c" has more than one '/'`) }),
    );
  });

  it("rejects an invalid taint effect", () => {
    const cfg = fixture("prod");
    cfg.nodePools[2].taints = [{ key: "nvidia.com/gpu", value: "true", effect: "NoRun" }];
    expectProblem(cfg, "nodePools[2].taints[0].effect", '"NoRun" is not one of: NoSchedule, PreferNoSchedule, NoExecute');
  });

  it.each(["node.kubernetes.io/not-ready", "node.cloudprovider.kubernetes.io/uninitialized", "mlops.platform/x", "ToBeDeletedByClusterAutoscaler"])(
    "rejects the taint %s that something else sets and clears",
    (key) => {
      const cfg = fixture("prod");
      cfg.nodePools[1].taints = [{ key, effect: "NoSchedule" }];
      expectProblem(
        cfg,
        "nodePools[1].taints[0].key",
        `${key} is a taint Kubernetes, cluster-autoscaler or the platform sets and clears on its own; choose a key of your own`,
      );
    },
  );

  it.each(["nvidia.com/gpu", "node-role.kubernetes.io/batch", "example.com/dedicated"])("accepts the pool's own taint %s", (key) => {
    const cfg = fixture("prod");
    const gpu = cfg.nodePools.findIndex((p: { role: string }) => p.role === "gpu");
    cfg.nodePools[gpu].taints = [{ key, value: "true", effect: "NoSchedule" }];
    expectValid(cfg);
  });

  it("rejects an invalid taint key", () => {
    const cfg = fixture("prod");
    cfg.nodePools[2].taints = [{ key: "gpu only", effect: "NoSchedule" }];
    expectProblem(cfg, "nodePools[2].taints[0].key", '"gpu only" is not a valid label key');
  });
});
