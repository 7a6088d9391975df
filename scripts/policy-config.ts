/**
 * npm run policy-config: writes policies/config/<environment>.json, the --policy-pack-config files for real
 * previews, from each policy's severity (enforcementFor) and the environment. A test keeps them in sync.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ALL_POLICIES } from "../policies/all";
import { enforcementFor, type Environment } from "../policies/lib/define";

export const POLICY_CONFIG_DIR = join(__dirname, "..", "policies", "config");

export function policyConfig(env: Environment): Record<string, { enforcementLevel: string; environment: Environment }> {
  return Object.fromEntries(ALL_POLICIES.map((p) => [p.name, { enforcementLevel: enforcementFor(p.severity ?? "medium", env), environment: env }]));
}

export const renderPolicyConfig = (env: Environment): string => JSON.stringify(policyConfig(env), null, 2) + "\n";

if (require.main === module) {
  mkdirSync(POLICY_CONFIG_DIR, { recursive: true });
  for (const env of ["local", "dev", "staging", "prod"] as const) writeFileSync(join(POLICY_CONFIG_DIR, `${env}.json`), renderPolicyConfig(env));
  console.log(`wrote ${POLICY_CONFIG_DIR}/{local,dev,staging,prod}.json`);
}
