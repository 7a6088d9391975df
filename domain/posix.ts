/**
 * POSIX identities of teams on the shared file tiers: the uid/gid of a team's EFS access point and the owner of
 * its scratch directory /teams/<team> on FSx for Lustre (charts/storage-scratch.ts). Derived from the team name,
 * so adding or reordering teams never changes an existing team's uid (which would re-own its files). Collisions
 * are a config error.
 */
import { createHash } from "node:crypto";

export const TEAM_POSIX_BASE = 100_000;
const TEAM_POSIX_SPAN = 900_000;

export function teamPosixId(team: string): number {
  return TEAM_POSIX_BASE + (createHash("sha256").update(team).digest().readUInt32BE(0) % TEAM_POSIX_SPAN);
}
