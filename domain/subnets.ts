/**
 * Subnet plan for a VPC: one private and one public subnet per AZ, carved deterministically.
 * The VPC splits into 2^bits equal blocks: block i is AZ i's private subnet (nodes and pods: the VPC CNI gives
 * pods VPC addresses, so private subnets get nearly all the space); the last block splits again into 2^bits
 * public subnets (NAT gateways and internet-facing load balancers only).
 */
import { formatCidr, parseCidr, subnet, type Cidr } from "./cidr";

export interface SubnetPlan {
  readonly availabilityZone: string;
  readonly privateCidr: string;
  readonly publicCidr: string;
}

/** Bits needed so that `azCount` private blocks plus one block for the public subnets fit. */
export function subnetBits(azCount: number): number {
  return Math.ceil(Math.log2(azCount + 1));
}

export function planSubnets(vpcCidr: string, availabilityZones: readonly string[]): SubnetPlan[] {
  const parsed = parseCidr(vpcCidr);
  if (!parsed.ok) throw new Error(parsed.reason);
  const vpc: Cidr = parsed.cidr;
  const bits = subnetBits(availabilityZones.length);
  const publicBlock = subnet(vpc, vpc.prefix + bits, 2 ** bits - 1);
  return availabilityZones.map((az, i) => ({
    availabilityZone: az,
    privateCidr: formatCidr(subnet(vpc, vpc.prefix + bits, i)),
    publicCidr: formatCidr(subnet(publicBlock, publicBlock.prefix + bits, i)),
  }));
}
