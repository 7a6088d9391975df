import { describe, it, expect } from "vitest";
import { chartReferences, kubernetesObjects, manifestPath, type KubeObject } from "../../scripts/plan/extract";
import { computed, planMocks } from "../../scripts/plan/mocks";
import { maskValue, type PlannedResource } from "../../scripts/plan/recorder";
import { join, resolve } from "node:path";
import { SECRET_PLACEHOLDER, STACKS_DIR, listStacks, readStackConfig, stackConfigFromDocument, stackFilePath } from "../../scripts/plan/stack-file";
import { FIXTURE_STACKS_DIR } from "../helpers/stack";
import { SCHEMA_PACKAGES, describe as describeObject, schemaVersionsFor, validateObjects } from "../../scripts/plan/validate";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE = "5cf8f73096256a8f31e491e813e4eb8e";

describe("maskValue", () => {
  it("replaces a secret-signature object by [secret]", () => {
    expect(maskValue({ [SIG]: SECRET, value: "x" })).toBe("[secret]");
    expect(SECRET_PLACEHOLDER).toBe("[secret]");
  });

  it("masks secrets nested in objects and arrays and keeps everything else", () => {
    const masked = maskValue({ a: [1, { [SIG]: SECRET, value: "hunter2" }], b: { c: { [SIG]: SECRET, value: { deep: "x" } } }, d: null, e: "plain" });
    expect(masked).toEqual({ a: [1, "[secret]"], b: { c: { deep: "[secret]" } }, d: null, e: "plain" });
    expect(JSON.stringify(masked)).not.toContain("hunter2");
  });

  it("keeps a secret map's keys and shape, so a Secret's stringData stays a map the API server accepts", () => {
    const masked = maskValue({ stringData: { [SIG]: SECRET, value: { user: "mlflow", password: "hunter2", list: ["a", 1] } } });
    expect(masked).toEqual({ stringData: { user: "[secret]", password: "[secret]", list: ["[secret]", "[secret]"] } });
    expect(JSON.stringify(masked)).not.toMatch(/hunter2|mlflow/);
  });

  it("replaces resource references by their URN", () => {
    expect(maskValue({ [SIG]: RESOURCE, urn: "urn:pulumi:s::p::t::n", id: "i" })).toBe("urn:pulumi:s::p::t::n");
  });
});

describe("validateObjects", () => {
  const cm = (data: unknown): KubeObject => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "n" }, data }) as KubeObject;

  it("accepts valid objects", async () => {
    expect(
      await validateObjects([cm({ k: "v" }), { apiVersion: "v1", kind: "Namespace", metadata: { name: "n", labels: { a: "b" } } } as KubeObject], "1.35"),
    ).toEqual([]);
  });

  it("flags a ConfigMap whose data is a number, against both bracketing schemas", async () => {
    const problems = await validateObjects([cm(42)], "1.35");
    expect(problems.map((p) => p.schemaVersion).sort()).toEqual(["1.33", "1.36"]);
    for (const p of problems) {
      expect(p.object).toBe("v1 ConfigMap n/c");
      expect(p.message).toMatch(/data/);
    }
  });

  it("flags a Namespace whose label value is an object", async () => {
    const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: "n", labels: { team: { nested: true } } } } as unknown as KubeObject;
    const problems = await validateObjects([ns], "1.33");
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ object: "v1 Namespace n", schemaVersion: "1.33" });
    expect(problems[0].message).toMatch(/labels/);
  });

  it("flags an unknown kind", async () => {
    const problems = await validateObjects([{ apiVersion: "example.com/v1", kind: "Frobnicator", metadata: { name: "f" } } as KubeObject], "1.36");
    expect(problems).toEqual([{ object: "example.com/v1 Frobnicator f", schemaVersion: "1.36", message: "Kubernetes 1.36 has no example.com/v1 Frobnicator" }]);
  });

  it("describes objects by apiVersion, kind, namespace and name", () => {
    expect(describeObject({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "x" } })).toBe("apps/v1 Deployment x/d");
    expect(describeObject({ apiVersion: "v1", kind: "Namespace" })).toBe("v1 Namespace (unnamed)");
  });
});

describe("schemaVersionsFor", () => {
  it("uses the exact schema when installed, else both neighbours", () => {
    expect(Object.keys(SCHEMA_PACKAGES).sort()).toEqual(["1.33", "1.36"]);
    expect(schemaVersionsFor("1.35")).toEqual(["1.33", "1.36"]);
    expect(schemaVersionsFor("1.34")).toEqual(["1.33", "1.36"]);
    expect(schemaVersionsFor("1.33")).toEqual(["1.33"]);
    expect(schemaVersionsFor("1.36")).toEqual(["1.36"]);
  });

  it("falls back to the single nearest schema outside the installed range", () => {
    expect(schemaVersionsFor("1.30")).toEqual(["1.33"]);
    expect(schemaVersionsFor("1.40")).toEqual(["1.36"]);
  });
});

describe("stackConfigFromDocument", () => {
  const doc = {
    config: {
      "mlops-platform:environment": "dev",
      "mlops-platform:apiToken": { secure: "v1:AAAAciphertext" },
      "mlops-platform:aws": { region: "us-east-1" },
      "mlops-platform:flag": true,
    },
  };
  const result = stackConfigFromDocument(doc);

  it("turns secure values into [secret] and lists them as secret keys", () => {
    expect(result.values["mlops-platform:apiToken"]).toBe("[secret]");
    expect(result.secretKeys).toEqual(["mlops-platform:apiToken"]);
    expect(JSON.stringify(result)).not.toContain("ciphertext");
  });

  it("keeps strings as they are and encodes everything else as JSON", () => {
    expect(result.values["mlops-platform:environment"]).toBe("dev");
    expect(result.values["mlops-platform:aws"]).toBe('{"region":"us-east-1"}');
    expect(result.values["mlops-platform:flag"]).toBe("true");
  });

  it("accepts an empty document", () => {
    expect(stackConfigFromDocument(null)).toEqual({ values: {}, secretKeys: [] });
    expect(stackConfigFromDocument({})).toEqual({ values: {}, secretKeys: [] });
  });

  // Documented in scripts/plan/stack-file.ts: "Nested `secure:` values inside objects are masked too."
  it("masks secure values nested inside an object value, and marks that key secret (as Pulumi does)", () => {
    const nested = stackConfigFromDocument({ config: { "mlops-platform:aws": { region: "us-east-1", db: { password: { secure: "v1:NESTEDciphertext" } } } } });
    expect(JSON.stringify(nested.values)).not.toContain("NESTEDciphertext");
    expect(nested.values["mlops-platform:aws"]).toContain("[secret]");
    expect(nested.secretKeys).toEqual(["mlops-platform:aws"]);
  });

  it("lists the stack files of a directory, sorted", () => {
    expect(listStacks(FIXTURE_STACKS_DIR)).toEqual(["dev", "local", "prod", "staging"]);
  });

  it("reads stacks/ by default and any other directory when given one", () => {
    expect(STACKS_DIR).toBe(resolve(__dirname, "..", "..", "stacks"));
    expect(stackFilePath("prod")).toBe(join(STACKS_DIR, "Pulumi.prod.yaml"));
    expect(stackFilePath("prod", FIXTURE_STACKS_DIR)).toBe(join(FIXTURE_STACKS_DIR, "Pulumi.prod.yaml"));
    expect(readStackConfig("dev", FIXTURE_STACKS_DIR).values["mlops-platform:environment"]).toBe("dev");
    expect(() => readStackConfig("nope", FIXTURE_STACKS_DIR)).toThrow(/Pulumi\.nope\.yaml.*stacks: dev, local, prod, staging/);
  });
});

describe("extract", () => {
  const res = (type: string, name: string, inputs: Record<string, unknown>, custom = false): PlannedResource => ({
    urn: `urn:pulumi:s::p::${type}::${name}`,
    type,
    name,
    parent: null,
    provider: null,
    custom,
    protect: false,
    retainOnDelete: false,
    dependsOn: [],
    inputs,
  });

  it("pulls objects out of ConfigGroups and custom Kubernetes resources, never out of charts", () => {
    const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: "a" } };
    const found = kubernetesObjects([
      res("kubernetes:yaml/v2:ConfigGroup", "g", { objs: [ns, { not: "an object" }] }),
      res("kubernetes:core/v1:ConfigMap", "c", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "a" } }, true),
      res("kubernetes:helm.sh/v4:Chart", "h", { apiVersion: "v1", kind: "Bogus" }),
      res("aws:s3/bucket:Bucket", "b", { apiVersion: "v1", kind: "Bogus" }, true),
    ]);
    expect(found.map((f) => `${f.object.kind}/${f.object.metadata?.name}`)).toEqual(["Namespace/a", "ConfigMap/c"]);
  });

  it("records chart references with repo, chart, version and values", () => {
    const refs = chartReferences([
      res("kubernetes:helm.sh/v4:Chart", "rel", { chart: "c", version: "1.2.3", repositoryOpts: { repo: "https://r" }, namespace: "ns", values: { a: 1 } }),
    ]);
    expect(refs).toEqual([
      {
        urn: "urn:pulumi:s::p::kubernetes:helm.sh/v4:Chart::rel",
        release: "rel",
        repo: "https://r",
        chart: "c",
        version: "1.2.3",
        namespace: "ns",
        values: { a: 1 },
      },
    ]);
  });

  it("files cluster-scoped objects under _cluster", () => {
    expect(manifestPath({ apiVersion: "v1", kind: "Namespace", metadata: { name: "x" } })).toBe("_cluster.yaml");
    expect(manifestPath({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "y", namespace: "x" } })).toBe("x.yaml");
  });
});

describe("plan mocks", () => {
  it("answer computed values as visible placeholders", () => {
    const created = planMocks.newResource({ type: "aws:eks/cluster:Cluster", name: "c", inputs: { version: "1.35" }, custom: true } as never) as {
      id: string;
      state: Record<string, unknown>;
    };
    expect(created.id).toBe(computed("c", "id"));
    expect(created.state).toMatchObject({ version: "1.35", endpoint: "<computed:c.endpoint>", arn: "<computed:c.arn>", name: "<computed:c.name>" });
  });

  it("answer a generated password and its bcrypt hash (Dex's static users read the hash) as placeholders", () => {
    const created = planMocks.newResource({
      type: "random:index/randomPassword:RandomPassword",
      name: "pw",
      inputs: { length: 32 },
      custom: true,
    } as never) as {
      state: Record<string, unknown>;
    };
    expect(created.state).toMatchObject({ length: 32, result: "<computed:pw.result>", bcryptHash: "<computed:pw.bcryptHash>" });
  });

  it("refuse invokes they have no answer for", () => {
    expect(() => planMocks.call({ token: "aws:ec2/getAmi:getAmi", inputs: {} } as never)).toThrow(/no answer for invoke aws:ec2\/getAmi:getAmi/);
  });
});
