/** Name rules (config/names.ts): DNS-1123 labels, label keys and values. */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { dns1123LabelProblem, labelKeyProblem, labelValueProblem } from "../../config/names";

describe("dns1123LabelProblem", () => {
  it.each(["a", "0", "123", "a-b", "a--b", "mlops-prod", "a".repeat(63)])("accepts %j", (name) => {
    expect(dns1123LabelProblem(name)).toBeUndefined();
  });

  it("rejects the empty string", () => {
    expect(dns1123LabelProblem("")).toBe("must not be empty");
  });

  it.each(["-a", "a-", "-", "A", "aB", "a_b", "a.b", "a b", "ä", "a/b"])("rejects %j as not a DNS-1123 label", (name) => {
    expect(dns1123LabelProblem(name)).toBe(
      `"${name}" is not a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit)`,
    );
  });

  it("rejects 64 characters by default and honours a shorter limit", () => {
    expect(dns1123LabelProblem("a".repeat(64))).toBe(`"${"a".repeat(64)}" is longer than 63 characters`);
    expect(dns1123LabelProblem("a".repeat(40), 40)).toBeUndefined();
    expect(dns1123LabelProblem("a".repeat(41), 40)).toContain("is longer than 40 characters");
  });

  it("reports length before characters for a long invalid name", () => {
    expect(dns1123LabelProblem("A".repeat(64))).toContain("is longer than 63 characters");
  });

  it("accepts every string of the DNS-1123 label grammar up to 63 characters", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/), (name) => {
        expect(dns1123LabelProblem(name)).toBeUndefined();
      }),
    );
  });

  it("rejects any name containing a character outside [a-z0-9-]", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.string({ minLength: 1, maxLength: 1 }).filter((c) => !/[a-z0-9-]/.test(c)),
        fc.string({ maxLength: 20 }),
        (a, bad, b) => {
          expect(dns1123LabelProblem(`${a}${bad}${b}`)).toBeDefined();
        },
      ),
    );
  });
});

describe("labelKeyProblem", () => {
  it.each(["app", "App_Name.v2", "a", "example.com/app", "k8s.example.io/Gpu-Model", "a.b.c/x", `${"p".repeat(253)}/n`, `x/${"n".repeat(63)}`])(
    "accepts %j",
    (key) => {
      expect(labelKeyProblem(key)).toBeUndefined();
    },
  );

  it("rejects more than one '/'", () => {
    expect(labelKeyProblem("a/b/c")).toBe(`"a/b/c" has more than one '/'`);
  });

  it.each(["/app", "Example.com/app", "-example.com/app", "example..com/app", "example_com/app", `${"p".repeat(254)}/n`])(
    "rejects the invalid prefix of %j",
    (key) => {
      expect(labelKeyProblem(key)).toBe(`"${key}" has an invalid prefix`);
    },
  );

  it.each(["", "example.com/", "-app", "app-", "_app", "app.", "a b", "a:b", "n".repeat(64), `x/${"n".repeat(64)}`])(
    "rejects the invalid name of %j",
    (key) => {
      expect(labelKeyProblem(key)).toBe(`"${key}" is not a valid label key`);
    },
  );
});

describe("labelValueProblem", () => {
  it.each(["", "a", "Batch_1.x-y", "v".repeat(63)])("accepts %j", (value) => {
    expect(labelValueProblem(value)).toBeUndefined();
  });

  it.each(["-a", "a-", "a b", "a/b", "v".repeat(64)])("rejects %j", (value) => {
    expect(labelValueProblem(value)).toBe(`"${value}" is not a valid label value`);
  });
});
