/** Properties of the IPv4 CIDR arithmetic in domain/cidr.ts. */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { contains, formatCidr, maskOf, overlaps, parseCidr, size, subnet, type Cidr } from "../../domain/cidr";

const u32 = fc.integer({ min: 0, max: 0xffffffff });

/** An aligned (network-address) CIDR of any prefix. */
const cidrArb: fc.Arbitrary<Cidr> = fc
  .tuple(u32, fc.integer({ min: 0, max: 32 }))
  .map(([address, prefix]) => ({ base: (address & maskOf(prefix)) >>> 0, prefix }));

/** A pair that overlaps often: unrelated, or the second a sub-block of the first. */
const pairArb: fc.Arbitrary<[Cidr, Cidr]> = fc.oneof(
  fc.tuple(cidrArb, cidrArb),
  fc.tuple(cidrArb, u32, fc.integer({ min: 0, max: 32 })).map(([a, address, extra]): [Cidr, Cidr] => {
    const prefix = Math.min(32, a.prefix + (extra % 9));
    const inner = { base: (((address & ~maskOf(a.prefix)) | a.base) & maskOf(prefix)) >>> 0, prefix };
    return [a, inner];
  }),
  fc.tuple(cidrArb, cidrArb).map(([a, b]): [Cidr, Cidr] => [b, a]),
);

/** Half-open address intervals in BigInt: an oracle independent of the implementation's arithmetic. */
function interval(c: Cidr): [bigint, bigint] {
  const start = BigInt(c.base);
  return [start, start + (1n << BigInt(32 - c.prefix))];
}

describe("parseCidr / formatCidr", () => {
  it("round-trips every aligned CIDR", () => {
    fc.assert(
      fc.property(cidrArb, (c) => {
        expect(parseCidr(formatCidr(c))).toEqual({ ok: true, cidr: c });
      }),
    );
  });

  it("rejects an address with host bits set and suggests its network address", () => {
    fc.assert(
      fc.property(u32, fc.integer({ min: 0, max: 31 }), (address, prefix) => {
        fc.pre((address & maskOf(prefix)) >>> 0 !== address);
        const text = formatCidr({ base: address, prefix });
        const parsed = parseCidr(text);
        expect(parsed.ok).toBe(false);
        if (parsed.ok) return;
        const network = formatCidr({ base: (address & maskOf(prefix)) >>> 0, prefix });
        expect(parsed.reason).toBe(`"${text}" is not a network address; did you mean ${network}?`);
        expect(parseCidr(network).ok).toBe(true);
      }),
    );
  });

  it.each(["", "10.0.0.0", "10.0.0/8", "256.0.0.0/8", "10.0.0.0/33", "10.0.0.0/-1", " 10.0.0.0/8", "a.b.c.d/8", "10.0.0.0/8/9"])(
    "rejects %j as not an IPv4 CIDR",
    (text) => {
      const parsed = parseCidr(text);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.reason).toContain("is not an IPv4 CIDR");
    },
  );

  it("handles the extremes /0 and /32", () => {
    expect(parseCidr("0.0.0.0/0")).toEqual({ ok: true, cidr: { base: 0, prefix: 0 } });
    expect(parseCidr("255.255.255.255/32")).toEqual({ ok: true, cidr: { base: 0xffffffff, prefix: 32 } });
    expect(size({ base: 0, prefix: 0 })).toBe(2 ** 32);
  });
});

describe("overlaps", () => {
  it("is symmetric", () => {
    fc.assert(fc.property(pairArb, ([a, b]) => overlaps(a, b) === overlaps(b, a)));
  });

  it("equals interval intersection", () => {
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        const [as, ae] = interval(a);
        const [bs, be] = interval(b);
        expect(overlaps(a, b)).toBe(as < be && bs < ae);
      }),
    );
  });

  it("holds exactly when one CIDR contains the other (CIDRs nest or are disjoint)", () => {
    fc.assert(fc.property(pairArb, ([a, b]) => overlaps(a, b) === (contains(a, b) || contains(b, a))));
  });

  it("is reflexive", () => {
    fc.assert(fc.property(cidrArb, (c) => overlaps(c, c) && contains(c, c)));
  });
});

describe("subnet", () => {
  /** A parent, a longer prefix (at most 12 bits more) and an index that fits. */
  const carveArb = cidrArb.chain((parent) =>
    fc
      .integer({ min: parent.prefix, max: Math.min(32, parent.prefix + 12) })
      .chain((newPrefix) =>
        fc
          .tuple(fc.nat({ max: 2 ** (newPrefix - parent.prefix) - 1 }), fc.nat({ max: 2 ** (newPrefix - parent.prefix) - 1 }))
          .map(([i, j]) => ({ parent, newPrefix, i, j })),
      ),
  );

  it("is an aligned block of the requested prefix inside the parent", () => {
    fc.assert(
      fc.property(carveArb, ({ parent, newPrefix, i }) => {
        const s = subnet(parent, newPrefix, i);
        expect(s.prefix).toBe(newPrefix);
        expect(contains(parent, s)).toBe(true);
        expect(parseCidr(formatCidr(s))).toEqual({ ok: true, cidr: s });
      }),
    );
  });

  it("gives disjoint blocks for distinct indices", () => {
    fc.assert(
      fc.property(carveArb, ({ parent, newPrefix, i, j }) => {
        fc.pre(i !== j);
        expect(overlaps(subnet(parent, newPrefix, i), subnet(parent, newPrefix, j))).toBe(false);
      }),
    );
  });

  it("tiles the parent: consecutive blocks are adjacent and the last ends where the parent ends", () => {
    fc.assert(
      fc.property(
        cidrArb.filter((c) => c.prefix <= 28),
        fc.integer({ min: 0, max: 4 }),
        (parent, bits) => {
          const newPrefix = Math.min(32, parent.prefix + bits);
          const count = 2 ** (newPrefix - parent.prefix);
          for (let k = 1; k < count; k++)
            expect(subnet(parent, newPrefix, k).base).toBe(subnet(parent, newPrefix, k - 1).base + size({ base: 0, prefix: newPrefix }));
          const last = subnet(parent, newPrefix, count - 1);
          expect(last.base + size(last)).toBe(parent.base + size(parent));
        },
      ),
    );
  });

  it("refuses an index or prefix that does not fit", () => {
    const parent = (parseCidr("10.0.0.0/16") as { ok: true; cidr: Cidr }).cidr;
    expect(() => subnet(parent, 18, 4)).toThrow(RangeError);
    expect(() => subnet(parent, 18, -1)).toThrow(RangeError);
    expect(() => subnet(parent, 15, 0)).toThrow(RangeError);
    expect(() => subnet(parent, 33, 0)).toThrow(RangeError);
  });
});
