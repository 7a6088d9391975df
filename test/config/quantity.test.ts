/** Kubernetes quantities (config/quantity.ts): every suffix, and malformed input. */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { formatGiB, GIB, isQuantity, parseQuantity } from "../../config/quantity";

const MULTIPLIERS: [string, number][] = [
  ["", 1],
  ["Ki", 2 ** 10],
  ["Mi", 2 ** 20],
  ["Gi", 2 ** 30],
  ["Ti", 2 ** 40],
  ["m", 1e-3],
  ["k", 1e3],
  ["M", 1e6],
  ["G", 1e9],
  ["T", 1e12],
  ["e3", 1e3],
  ["E3", 1e3],
  ["e-2", 1e-2],
  ["e+6", 1e6],
];

describe("parseQuantity", () => {
  it.each(MULTIPLIERS)("n%s == n × %d for whole n", (suffix, multiplier) => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), (n) => {
        expect(parseQuantity(`${n}${suffix}`)).toBe(n * multiplier);
      }),
    );
  });

  it("reads decimal fractions with binary suffixes", () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000 }), fc.integer({ min: 0, max: 99 }), (whole, cents) => {
        const text = `${whole}.${String(cents).padStart(2, "0")}`;
        expect(parseQuantity(`${text}Gi`)).toBe(Number(text) * GIB);
      }),
    );
  });

  it.each([
    ["500m", 0.5],
    ["4", 4],
    ["16Gi", 16 * GIB],
    [".5", 0.5],
    ["1.5Ki", 1536],
    ["+2Mi", 2 * 2 ** 20],
    ["1E", 1e18],
    ["1Ei", 2 ** 60],
  ])("parses %s as %d", (text, value) => {
    expect(parseQuantity(text)).toBe(value);
  });

  it("tells the exa suffix E from the decimal exponent E3", () => {
    expect(parseQuantity("2E")).toBe(2e18);
    expect(parseQuantity("2E3")).toBe(2000);
  });

  it.each(["", "1.2.3", "-1", "1Gb", " 1Gi", "1Gi ", "Gi", "1 Gi", "1gi", "1KI", "1e", "0x10", "1,5Gi", "1Gi2", "--1", "NaN", "Infinity"])(
    "returns undefined for malformed %j",
    (text) => {
      expect(parseQuantity(text)).toBeUndefined();
      expect(isQuantity(text)).toBe(false);
    },
  );

  it("never throws, and accepts only what isQuantity accepts", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const value = parseQuantity(text);
        expect(isQuantity(text)).toBe(value !== undefined);
        if (value !== undefined) expect(value).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe("formatGiB", () => {
  it("prints whole GiB without decimals and others with two", () => {
    expect(formatGiB(20 * GIB)).toBe("20Gi");
    expect(formatGiB(1.5 * GIB)).toBe("1.50Gi");
  });

  it("round-trips whole GiB through parseQuantity", () => {
    fc.assert(
      fc.property(fc.nat({ max: 100_000 }), (n) => {
        expect(parseQuantity(formatGiB(n * GIB))).toBe(n * GIB);
      }),
    );
  });
});
