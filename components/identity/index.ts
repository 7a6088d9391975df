import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  DEX_CONFIG_KEY,
  DEX_CONFIG_SECRET,
  DEX_RELEASE,
  dexConfigChecksum,
  dexConfigYaml,
  dexSecretsDigest,
  dexRedirectUris,
  dexTestUsers,
  type DexTestUser,
} from "../../charts/access/dex";
import type { AccessConfig } from "../../config/access";
import type { TeamConfig } from "../../config/teams";
import { DEX_NAMESPACE } from "../../domain/platform-namespaces";
import { CHARTS } from "../../domain/versions";
import { inheritedDependsOn } from "../dependencies";
import { createObjectGroup } from "../kubernetes/object-group";
import { createUpstreamChart } from "../kubernetes/upstream-chart";
import { dexNamespaceObjects } from "./namespace";
import { dexConfigRollout, dexValues } from "./values";

export { dexNamespaceObjects, GRAFANA_POD_LABELS } from "./namespace";
export { DEX_CONFIG_CHECKSUM_ANNOTATION, DEX_DEPLOYMENT, dexConfigRollout, dexValues } from "./values";

/** A test user as the stack output shows it: sign in at login.<domain> with the email and password. */
export interface TestUserCredentials {
  readonly email: string;
  readonly group: string;
  readonly password: string;
}

export interface IdentityProviderArgs {
  /** The access section; its identity provider must be kind dex (issuer and endpoints resolved in config/access.ts). */
  readonly access: AccessConfig;
  /** Every team: one test user per owner group, in any role; the host of each team's own Evidently UI is a redirect URI. */
  readonly teams: readonly Pick<TeamConfig, "name" | "owners" | "services">[];
  /** Labels for the objects we author (cost attribution). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Dex from its upstream chart in `dex` (restricted; only the gateway's proxies and Grafana reach it), with a
 * generated password per test user (its bcrypt hash in Dex's config, the password a stack output) and a
 * generated client secret. Its route (login.<domain>) is the gateway's: components/access/wiring.ts.
 */
export class IdentityProvider extends pulumi.ComponentResource {
  readonly namespace = DEX_NAMESPACE;
  readonly chart: k8s.helm.v4.Chart;
  /** The `mlops-platform` client's secret, for the gateway's OIDC filters and Grafana. */
  readonly clientSecret: pulumi.Output<string>;
  /** Each test user's email, group and password: a secret. */
  readonly testUsers: pulumi.Output<TestUserCredentials[]>;

  constructor(name: string, args: IdentityProviderArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:identity:IdentityProvider", name, {}, opts);
    const inherited = inheritedDependsOn(opts);
    const child = { parent: this };
    const users = dexTestUsers(args.access, args.teams);
    const redirectURIs = dexRedirectUris(args.access.domain, args.teams);
    const client = new random.RandomPassword(`${name}-client-secret`, { length: 48, special: false }, child);
    const passwords = users.map((user) => ({
      user,
      password: new random.RandomPassword(`${name}-user-${user.username}`, { length: 24, special: false }, child),
    }));

    const base = createObjectGroup(`${name}-namespace`, dexNamespaceObjects({ labels: args.labels }), { ...child, dependsOn: inherited });
    const secrets = pulumi.all([client.result, pulumi.all(passwords.map(({ password }) => password.bcryptHash))]);
    const configYaml = secrets.apply(([clientSecret, hashes]) =>
      dexConfigYaml({ access: args.access, clientSecret, redirectURIs, users: users.map((user: DexTestUser, i) => ({ user, hash: hashes[i] })) }),
    );
    const config = new k8s.core.v1.Secret(
      `${name}-config`,
      {
        metadata: { name: DEX_CONFIG_SECRET, namespace: DEX_NAMESPACE, labels: { ...args.labels } },
        type: "Opaque",
        stringData: { [DEX_CONFIG_KEY]: pulumi.secret(configYaml) },
      },
      { ...child, dependsOn: [base], additionalSecretOutputs: ["stringData", "data"] },
    );
    // Released as "dex" whatever the component is called: the Service (dex.dex.svc) is named after the release.
    // A digest of the secrets, not the secrets: the annotation stays publishable (unsecret). It is unknown until the
    // passwords exist, so a new stack's first preview shows only Dex's pod template incomplete.
    const checksum = pulumi.unsecret(
      secrets.apply(([clientSecret, hashes]) =>
        dexConfigChecksum({ access: args.access, users, redirectURIs, secretsDigest: dexSecretsDigest(clientSecret, hashes) }),
      ),
    );
    this.chart = createUpstreamChart(DEX_RELEASE, CHARTS.dex, DEX_NAMESPACE, dexValues(), {
      ...child,
      dependsOn: [base, config, ...inherited],
      transforms: [dexConfigRollout(checksum)],
    });

    this.clientSecret = pulumi.secret(client.result);
    this.testUsers = pulumi.secret(
      pulumi
        .all(passwords.map(({ password }) => password.result))
        .apply((plain) => users.map((user, i) => ({ email: user.email, group: user.group, password: plain[i] }))),
    );
    this.registerOutputs({ namespace: this.namespace, clientSecret: this.clientSecret, testUsers: this.testUsers });
  }
}
