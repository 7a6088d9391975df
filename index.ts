/** Pulumi entry point: read and validate this stack's config, then build the platform. */
// First, before anything else loads: fail clearly on a Node.js older than 22 (see node-version.ts).
import "./node-version";
import { loadConfig } from "./config";
import { createPlatform } from "./platform";

const platform = createPlatform(loadConfig());

export const clusterName = platform.clusterName;
export const kubeconfig = platform.kubeconfig;
export const vpcId = platform.vpcId;
export const nodePools = platform.nodePools;
export const gpuOperatorNamespace = platform.gpuOperatorNamespace;
export const teamNamespaces = platform.teamNamespaces;
/** With `access`: each UI's URL on the gateway. */
export const gatewayUrls = platform.gatewayUrls;
/** With Dex (local stacks): the test users' emails, groups and passwords, a secret (`--show-secrets`). */
export const localTestUsers = platform.localTestUsers;
