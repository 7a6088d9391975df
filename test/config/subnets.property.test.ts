/** Properties of the subnet plan (domain/subnets.ts) over every AZ count and VPC size we accept. */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { contains, maskOf, overlaps, parseCidr, formatCidr, type Cidr } from "../../domain/cidr";
import { planSubnets, subnetBits } from "../../domain/subnets";

const parse = (text: string): Cidr => {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.cidr;
};

/** 2..6 AZs, a VPC prefix from /16 to the smallest the config check accepts for that many AZs, any aligned base. */
const planArb = fc.integer({ min: 2, max: 6 }).chain((n) =>
  fc
    .tuple(
      fc.integer({ min: 16, max: 28 - 2 * subnetBits(n) }),
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.shuffledSubarray([..."abcdef"], { minLength: n, maxLength: n }),
    )
    .map(([prefix, address, letters]) => ({
      vpcCidr: formatCidr({ base: (address & maskOf(prefix)) >>> 0, prefix }),
      azs: letters.map((l) => `us-east-1${l}`),
    })),
);

describe("planSubnets", () => {
  it("plans one private and one public subnet per AZ, in AZ order", () => {
    fc.assert(
      fc.property(planArb, ({ vpcCidr, azs }) => {
        const plan = planSubnets(vpcCidr, azs);
        expect(plan).toHaveLength(azs.length);
        expect(plan.map((s) => s.availabilityZone)).toEqual(azs);
      }),
    );
  });

  it("keeps every subnet inside the VPC", () => {
    fc.assert(
      fc.property(planArb, ({ vpcCidr, azs }) => {
        const vpc = parse(vpcCidr);
        for (const s of planSubnets(vpcCidr, azs)) {
          expect(contains(vpc, parse(s.privateCidr))).toBe(true);
          expect(contains(vpc, parse(s.publicCidr))).toBe(true);
        }
      }),
    );
  });

  it("makes all subnets pairwise disjoint", () => {
    fc.assert(
      fc.property(planArb, ({ vpcCidr, azs }) => {
        const all = planSubnets(vpcCidr, azs).flatMap((s) => [parse(s.privateCidr), parse(s.publicCidr)]);
        for (let i = 0; i < all.length; i++) {
          for (let j = i + 1; j < all.length; j++) expect(overlaps(all[i], all[j]), `${formatCidr(all[i])} vs ${formatCidr(all[j])}`).toBe(false);
        }
      }),
    );
  });

  it("gives public subnets of /28 or larger, smaller than the private ones", () => {
    fc.assert(
      fc.property(planArb, ({ vpcCidr, azs }) => {
        for (const s of planSubnets(vpcCidr, azs)) {
          const pub = parse(s.publicCidr);
          const priv = parse(s.privateCidr);
          expect(pub.prefix).toBeLessThanOrEqual(28);
          expect(priv.prefix).toBe(parse(vpcCidr).prefix + subnetBits(azs.length));
          expect(pub.prefix).toBeGreaterThan(priv.prefix);
        }
      }),
    );
  });

  it("is deterministic", () => {
    fc.assert(
      fc.property(planArb, ({ vpcCidr, azs }) => {
        expect(planSubnets(vpcCidr, azs)).toEqual(planSubnets(vpcCidr, [...azs]));
      }),
    );
  });

  it("refuses a VPC CIDR that is not a network address", () => {
    expect(() => planSubnets("10.0.0.1/16", ["us-east-1a", "us-east-1b"])).toThrow("is not a network address");
  });
});
