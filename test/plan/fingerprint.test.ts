/** The plan fingerprint behind `npm run plan:compare`: blind to registration order, not to anything a deployment would see. */
import { describe, it, expect } from "vitest";
import { fingerprintDifferences, planFingerprint } from "../../scripts/plan/fingerprint";
import type { PlannedResource } from "../../scripts/plan/recorder";

const resource = (name: string, inputs: Record<string, unknown>, dependsOn: string[] = []): PlannedResource => ({
  urn: `urn:pulumi:dev::mlops-platform::kubernetes:core/v1:ConfigMap::${name}`,
  type: "kubernetes:core/v1:ConfigMap",
  name,
  parent: null,
  provider: null,
  custom: true,
  protect: false,
  retainOnDelete: false,
  dependsOn,
  inputs,
});

describe("planFingerprint and fingerprintDifferences", () => {
  const a = resource("a", { data: { x: "1", y: "2" }, metadata: { name: "a" } }, ["urn:z", "urn:y"]);
  const b = resource("b", { data: { list: ["p", "q"] } });

  it("is the same whatever the order of registration, of object keys or of dependencies", () => {
    const reordered = resource("a", { metadata: { name: "a" }, data: { y: "2", x: "1" } }, ["urn:y", "urn:z"]);
    expect(fingerprintDifferences(planFingerprint("dev", [a, b]), planFingerprint("dev", [b, reordered]))).toEqual([]);
    expect(JSON.stringify(planFingerprint("dev", [a, b]))).toBe(JSON.stringify(planFingerprint("dev", [b, reordered])));
  });

  it("names an added, a removed and a changed resource, and what changed", () => {
    const changed = resource("a", { data: { x: "1", y: "3" }, metadata: { name: "a" } }, ["urn:z", "urn:y"]);
    const protectedB = { ...b, protect: true };
    const c = resource("c", {});
    expect(fingerprintDifferences(planFingerprint("dev", [a, b]), planFingerprint("dev", [changed, c]))).toEqual([
      `removed ${b.urn}`,
      `added ${c.urn}`,
      `changed ${a.urn}: inputs at .data.y: "2" → "3"`,
    ]);
    expect(fingerprintDifferences(planFingerprint("dev", [b]), planFingerprint("dev", [protectedB]))).toEqual([`changed ${b.urn}: protect at .: false → true`]);
  });

  it("reads a ConfigGroup's JSON documents as objects: key order inside them is no change, a value is", () => {
    const group = (yaml: string): PlannedResource => ({ ...resource("g", { yaml }), type: "kubernetes:yaml/v2:ConfigGroup" });
    const before = group('{"kind":"ConfigMap","data":{"a":"1"}}\n---\n{"kind":"Secret"}');
    const reordered = group('{"data":{"a":"1"},"kind":"ConfigMap"}\n---\n{"kind":"Secret"}');
    const changed = group('{"kind":"ConfigMap","data":{"a":"2"}}\n---\n{"kind":"Secret"}');
    expect(fingerprintDifferences(planFingerprint("dev", [before]), planFingerprint("dev", [reordered]))).toEqual([]);
    expect(fingerprintDifferences(planFingerprint("dev", [before]), planFingerprint("dev", [changed]))).toEqual([
      `changed ${before.urn}: inputs at .yaml[0].data.a: "1" → "2"`,
    ]);
  });

  it("keeps the order inside lists, which is meaningful (container args, rules)", () => {
    const swapped = resource("b", { data: { list: ["q", "p"] } });
    expect(fingerprintDifferences(planFingerprint("dev", [b]), planFingerprint("dev", [swapped]))).toEqual([
      `changed ${b.urn}: inputs at .data.list[0]: "p" → "q"`,
    ]);
  });
});
