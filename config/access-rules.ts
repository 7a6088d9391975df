/**
 * Rules of the `access` section across sections: what the cluster kind and the tier allow, the certificate
 * against the stack's region and accounts, and what teams' owners and model endpoints need of it.
 */
import { broadAllowlistReason, parseCidr } from "../domain/cidr";
import type { AccessInput } from "./access";
import { arnPartition, regionPartition } from "./partition";
import type { Problem } from "./problems";
import { resolveServices } from "./services";
import type { StackConfigInput } from "./schema";
import { TEAM_ROLES } from "./team-schema";
import type { TeamDraft } from "./team-salvage";

const problem = (path: string, message: string): Problem => ({ path, message });

export interface AccessContext {
  readonly environment: StackConfigInput["environment"];
  /** Undefined when the cluster section failed its schema: rules that need the kind stay silent. */
  readonly clusterKind?: "eks" | "existing";
  readonly aws?: StackConfigInput["aws"];
  readonly access?: AccessInput;
  readonly teams: readonly (TeamDraft | undefined)[];
  /** Undefined when the services section failed its schema. */
  readonly services?: { readonly input: StackConfigInput["services"] };
  /** Whether the access section failed its schema: rules that would read it as "not configured" stay silent. */
  readonly accessUnparsed: boolean;
}

export function accessProblems(ctx: AccessContext): Problem[] {
  return [
    ...(ctx.access ? identityProviderProblems(ctx.access, ctx) : []),
    ...(ctx.access ? tlsProblems(ctx.access, ctx) : []),
    ...(ctx.access ? exposureProblems(ctx.access, ctx) : []),
    ...(ctx.access ? serviceAccountIssuerProblems(ctx.access, ctx) : []),
    ...ownerSignInProblems(ctx),
    ...uiSignInProblems(ctx),
    ...modelEndpointProblems(ctx),
    ...feastProblems(ctx),
  ];
}

/**
 * A team's Feast store authenticates with Feast's `oidc` (charts/services/feast.ts): people by the identity
 * provider's tokens, whose groups Feast 0.66.0 reads from the claim named `groups` and no other
 * (feast/permissions/auth/oidc_token_parser.py).
 */
function feastProblems(ctx: AccessContext): Problem[] {
  const out: Problem[] = [];
  const feastTeams = ctx.teams.flatMap((team, i) =>
    team !== undefined && !team.invalid?.has("services") && (team.services ?? []).includes("feast") ? [i] : [],
  );
  if (feastTeams.length === 0) return out;
  if (ctx.access === undefined && !ctx.accessUnparsed) {
    for (const i of feastTeams) {
      out.push(
        problem(
          `teams[${i}].services`,
          "lists \"feast\", which needs the access section: each team's Feast store checks people's tokens against its identity provider and admits only the team's groups and service accounts; add access, or drop feast from the team",
        ),
      );
    }
  }
  for (const i of feastTeams) {
    // The operator names every object of a store feast-<store>: the store of a team named redis would take the
    // names of the feast namespace's Redis (charts/services/feast.ts REDIS_NAME).
    if (ctx.teams[i]?.name === "redis") {
      out.push(
        problem(
          `teams[${i}].services`,
          'lists "feast", but a team named redis cannot have a Feast store: its objects would be named feast-redis, the name of the online store\'s Redis in the feast namespace',
        ),
      );
    }
  }
  const groupsClaim = ctx.access?.claims?.groups;
  if (groupsClaim !== undefined && groupsClaim !== "groups") {
    out.push(
      problem(
        "access.claims.groups",
        `is ${groupsClaim}, but Feast reads people's groups from the claim named groups only: teams with feast (teams[${feastTeams.join("], teams[")}]) would admit none of their people; have the identity provider send groups, or drop feast from those teams`,
      ),
    );
  }
  return out;
}

function identityProviderProblems(access: AccessInput, ctx: AccessContext): Problem[] {
  const out: Problem[] = [];
  if (access.identityProvider.kind === "dex") {
    if (ctx.clusterKind === "eks") {
      out.push(
        problem(
          "access.identityProvider.kind",
          "dex cannot sign people in to EKS: EKS accepts an OIDC identity provider only at a public https issuer with a CA-signed certificate, and the platform's Dex is neither; use kind oidc with the company's identity provider",
        ),
      );
    } else if (ctx.environment === "prod") {
      out.push(
        problem(
          "access.identityProvider.kind",
          "dex is not used in prod: it is the platform's test identity provider (static users, passwords in stack outputs); use kind oidc with the company's identity provider",
        ),
      );
    }
  }
  // EKS's identity provider config is the platform's: without a prefix, an IdP group named like a platform
  // group (mlops:*, mapped from IAM principals) would get its rights.
  if (ctx.clusterKind === "eks" && access.groupsPrefix === "") {
    out.push(
      problem(
        "access.groupsPrefix",
        'is empty: an IdP group named like one of the platform\'s groups (mlops:*, which IAM principals are mapped to) would get its rights; keep a prefix such as "oidc:"',
      ),
    );
  }
  return out;
}

/** The region and account of an ACM certificate ARN (arn:<partition>:acm:<region>:<account>:certificate/<id>). */
const arnFields = (arn: string) => ({ region: arn.split(":")[3] ?? "", account: arn.split(":")[4] ?? "" });

function tlsProblems(access: AccessInput, ctx: AccessContext): Problem[] {
  const out: Problem[] = [];
  const arn = access.tls?.acmCertificateArn;
  const issuer = access.tls?.issuer;
  if (ctx.clusterKind === "eks") {
    if (arn === undefined) {
      out.push(
        problem(
          "access.tls.acmCertificateArn",
          `is required on EKS: the network load balancer terminates TLS with this ACM certificate, which must cover *.${access.domain} and *.models.${access.domain}`,
        ),
      );
    }
    if (issuer !== undefined) {
      out.push(problem("access.tls.issuer", "is not used on EKS: TLS terminates at the load balancer with access.tls.acmCertificateArn; remove it"));
    }
    if (arn !== undefined && ctx.aws) out.push(...acmArnProblems(arn, ctx.aws));
  } else if (ctx.clusterKind === "existing") {
    if (arn !== undefined) {
      out.push(
        problem(
          "access.tls.acmCertificateArn",
          "is for an EKS load balancer; on an existing cluster the gateway's certificate comes from cert-manager (access.tls.issuer); remove it",
        ),
      );
    }
    if (issuer === undefined) {
      out.push(
        problem(
          "access.tls.issuer",
          `is required on an existing cluster: name the cert-manager Issuer or ClusterIssuer that signs the gateway's certificate for *.${access.domain} and *.models.${access.domain} ("self-signed" outside prod)`,
        ),
      );
    }
  }
  if (issuer === "self-signed" && ctx.environment === "prod") {
    out.push(
      problem(
        "access.tls.issuer",
        "is self-signed, which prod does not use: browsers, kubectl and callers of model endpoints would not trust the gateway; name the company's cert-manager issuer",
      ),
    );
  }
  return out;
}

/** ACM certificates are regional and per account: the load balancer can use only one of its own region and account. */
function acmArnProblems(arn: string, aws: NonNullable<StackConfigInput["aws"]>): Problem[] {
  const at = "access.tls.acmCertificateArn";
  const partition = regionPartition(aws.region);
  if (arnPartition(arn) !== partition) {
    return [problem(at, `is in AWS partition ${arnPartition(arn)}, but the stack's region (aws.region) is in partition ${partition}`)];
  }
  const { region, account } = arnFields(arn);
  const out: Problem[] = [];
  if (region !== aws.region) {
    out.push(
      problem(
        at,
        `is in region ${region}, but the load balancer is in ${aws.region} (aws.region); ACM certificates are regional: request or import one in ${aws.region}`,
      ),
    );
  }
  const accounts = aws.allowedAccountIds;
  if (accounts && !accounts.includes(account)) {
    out.push(
      problem(
        at,
        `is in account ${account}, which is not one of aws.allowedAccountIds (${accounts.join(", ")}); a load balancer uses certificates of its own account`,
      ),
    );
  }
  return out;
}

function exposureProblems(access: AccessInput, ctx: AccessContext): Problem[] {
  const out: Problem[] = [];
  const scheme = access.exposure?.scheme ?? "internal";
  const ranges = access.exposure?.sourceRanges;
  if (scheme === "internet-facing" && ctx.clusterKind === "existing") {
    out.push(
      problem(
        "access.exposure.scheme",
        "internet-facing has no effect on an existing cluster: whether the site's load balancer faces the internet is the site's to decide; restrict clients with access.exposure.sourceRanges",
      ),
    );
  }
  if (ctx.environment !== "prod") return out;
  if (scheme === "internet-facing" && ranges === undefined) {
    out.push(
      problem(
        "access.exposure.sourceRanges",
        "is required for an internet-facing gateway in prod: list the client ranges (offices, VPN egress, partners) the load balancer admits",
      ),
    );
  }
  (ranges ?? []).forEach((text, i) => {
    const parsed = parseCidr(text);
    if (!parsed.ok) return;
    const broad = broadAllowlistReason(parsed.cidr);
    if (parsed.cidr.prefix === 0)
      out.push(problem(`access.exposure.sourceRanges[${i}]`, `${text} opens the gateway to the whole internet, which prod never does`));
    else if (broad) out.push(problem(`access.exposure.sourceRanges[${i}]`, `${broad}; prod admits named client networks only`));
  });
  return out;
}

function serviceAccountIssuerProblems(access: AccessInput, ctx: AccessContext): Problem[] {
  if (access.serviceAccountIssuer === undefined || ctx.clusterKind !== "eks") return [];
  return [
    problem("access.serviceAccountIssuer", "is not used on EKS: model endpoints trust the cluster's own OIDC issuer for service-account tokens; remove it"),
  ];
}

/** EKS signs people in through IAM or its OIDC identity provider; group owners need the latter. */
function ownerSignInProblems(ctx: AccessContext): Problem[] {
  if (ctx.clusterKind !== "eks" || ctx.accessUnparsed || ctx.access !== undefined) return [];
  const out: Problem[] = [];
  ctx.teams.forEach((team, i) => {
    for (const role of TEAM_ROLES) {
      if ((team?.owners?.[role]?.groups?.length ?? 0) === 0) continue;
      out.push(
        problem(
          `teams[${i}].owners.${role}.groups`,
          "cannot sign in to EKS: its groups come from an identity provider, and without the access section the cluster has none; add access with identityProvider kind oidc (the company's IdP), or name IAM principals (owners.<role>.iamPrincipals) instead",
        ),
      );
    }
  });
  return out;
}

/** The gateway lets people into the UIs by IdP group: a team owned only by IAM principals would have kubectl and no UI. */
function uiSignInProblems(ctx: AccessContext): Problem[] {
  if (ctx.access === undefined) return [];
  const out: Problem[] = [];
  ctx.teams.forEach((team, i) => {
    // A team whose owners failed to parse is judged by the schema's message alone.
    if (team?.owners === undefined || team.invalid?.has("owners")) return;
    const owners = team.owners;
    if (TEAM_ROLES.some((role) => (owners[role]?.groups?.length ?? 0) > 0)) return;
    // A team with no owner at all has the team rule's problem already.
    if (!TEAM_ROLES.some((role) => (owners[role]?.iamPrincipals?.length ?? 0) > 0)) return;
    out.push(
      problem(
        `teams[${i}].owners`,
        "names no IdP group: with the access section people reach the UIs (Grafana for every team, and the services it opted into) by signing in with the identity provider, which IAM principals cannot do; add the team's IdP group under owners.<role>.groups",
      ),
    );
  });
  return out;
}

function modelEndpointProblems(ctx: AccessContext): Problem[] {
  const out: Problem[] = [];
  const teamNames = new Set(ctx.teams.flatMap((t) => (t?.name === undefined ? [] : [t.name])));
  const allNamed = ctx.teams.every((t) => t !== undefined && t.name !== undefined);
  const mode = ctx.services ? resolveServices(ctx.services.input, ctx.environment, ctx.clusterKind === "eks").kserve.mode : undefined;
  ctx.teams.forEach((team, i) => {
    const endpoints = team?.modelEndpoints;
    if (team === undefined || endpoints === undefined) return;
    const at = `teams[${i}].modelEndpoints`;
    // Judged only when the services list parsed: a broken list says nothing about kserve.
    if (!team.invalid?.has("services") && !(team.services ?? []).includes("kserve")) {
      out.push(problem(at, 'needs the team to opt into "kserve" (teams[].services): model endpoints serve its InferenceServices'));
    }
    if (ctx.access === undefined && !ctx.accessUnparsed) {
      out.push(
        problem(at, "needs the access section: model endpoints are served on the gateway under models.<domain> and accept tokens of its identity provider"),
      );
    }
    if (mode === "serverless") {
      out.push(problem(at, "needs services.kserve.mode standard: KServe routes InferenceServices through the Gateway API only in Standard mode"));
    }
    if (ctx.clusterKind === "existing" && endpoints.callers !== undefined && ctx.access !== undefined && ctx.access.serviceAccountIssuer === undefined) {
      out.push(
        problem(
          `${at}.callers`,
          "needs access.serviceAccountIssuer on an existing cluster: without the cluster's issuer and public keys the gateway cannot verify service-account tokens",
        ),
      );
    }
    const seen = new Map<string, number>();
    (endpoints.callers ?? []).forEach((ref, j) => {
      const namespace = ref.split("/")[0];
      const prior = seen.get(ref);
      if (prior !== undefined) out.push(problem(`${at}.callers[${j}]`, `"${ref}" duplicates callers[${prior}]`));
      else seen.set(ref, j);
      // A team that failed to parse its name may be the one named: then say nothing.
      if (namespace !== team.name && !teamNames.has(namespace) && allNamed) {
        out.push(
          problem(
            `${at}.callers[${j}]`,
            `"${namespace}" is not a team of this stack: callers are service accounts of team namespaces (teams[].name), the team's own included`,
          ),
        );
      }
    });
  });
  return out;
}
