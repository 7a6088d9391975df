/**
 * Rules of the `access` section across sections (config/access-rules.ts): each refusal with its path and
 * message, and the neighbouring case that is accepted. Fixtures: dev and prod (EKS, OIDC), local (existing, Dex).
 */
import { describe, it, expect } from "vitest";
import { eksAccess, expectProblem, expectValid, fixture, problemsOf, teamsOf, validate, type Cfg } from "./fixtures";

const JWKS = JSON.stringify({ keys: [{ kty: "RSA", kid: "k1", n: "u1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw", e: "AQAB" }] });
const paths = (cfg: Cfg) => problemsOf(cfg).map((p) => p.path);

describe("sign-in of group owners on EKS", () => {
  it("refuses team groups on EKS without access, and says how to fix it", () => {
    const cfg = fixture("dev");
    delete cfg.access;
    delete teamsOf(cfg)[0].modelEndpoints;
    expectProblem(cfg, "teams[0].owners.admin.groups", "cannot sign in to EKS: its groups come from an identity provider");
    expectProblem(cfg, "teams[0].owners.edit.groups", "add access with identityProvider kind oidc (the company's IdP), or name IAM principals");
  });

  it("accepts eksAccess(), the access section test stacks of their own spread in", () => {
    const cfg = fixture("dev");
    cfg.access = eksAccess();
    expectValid(cfg);
  });

  it("accepts IAM principals alone on EKS without access", () => {
    const cfg = fixture("dev");
    delete cfg.access;
    cfg.teams = [teamsOf(cfg)[0]];
    const team = teamsOf(cfg)[0];
    delete team.modelEndpoints;
    // Feast stores need access (test/config/feast-rules.test.ts).
    team.services = (team.services ?? []).filter((s: string) => s !== "feast");
    team.owners = { admin: { iamPrincipals: team.owners.admin.iamPrincipals } };
    expectValid(cfg);
  });

  it("accepts team groups on an existing cluster without access (the site's API server knows them)", () => {
    const cfg = fixture("local");
    delete cfg.access;
    delete teamsOf(cfg)[0].modelEndpoints;
    expectValid(cfg);
  });

  it("says nothing about owners when the access section failed its schema: its own problem stands", () => {
    const cfg = fixture("dev");
    cfg.access.domain = "Not A Domain";
    expect(paths(cfg)).toEqual(["access.domain"]);
  });
});

describe("UI sign-in of IAM-only teams", () => {
  it("refuses a team owned only by IAM principals when access is set: the UIs admit IdP groups", () => {
    const cfg = fixture("dev");
    const team = teamsOf(cfg)[0];
    team.owners = { admin: { iamPrincipals: team.owners.admin.iamPrincipals } };
    expectProblem(cfg, "teams[0].owners", "names no IdP group: with the access section people reach the UIs");
  });

  it("accepts IAM principals beside one IdP group, and a team with no owner at all is the team rule's alone", () => {
    const cfg = fixture("dev");
    const team = teamsOf(cfg)[0];
    team.owners = { admin: { iamPrincipals: team.owners.admin.iamPrincipals }, view: { groups: ["recsys-analysts"] } };
    expectValid(cfg);
    team.owners = { admin: {} };
    expect(problemsOf(cfg).filter((p) => p.path === "teams[0].owners")).toHaveLength(1);
  });
});

describe("identity provider", () => {
  it("refuses Dex on EKS, which needs a public issuer with a CA-signed certificate", () => {
    const cfg = fixture("dev");
    cfg.access.identityProvider = { kind: "dex" };
    expectProblem(cfg, "access.identityProvider.kind", "EKS accepts an OIDC identity provider only at a public https issuer with a CA-signed certificate");
    // The Dex problem is the one to fix: the owners' groups are not reported on top of it.
    expect(paths(cfg).filter((p) => p.includes("owners"))).toEqual([]);
  });

  it("refuses Dex in prod on an existing cluster", () => {
    const cfg = fixture("local");
    cfg.environment = "prod";
    cfg.access.tls.issuer = { kind: "ClusterIssuer", name: "corp-ca" };
    expectProblem(cfg, "access.identityProvider.kind", "dex is not used in prod: it is the platform's test identity provider");
  });

  it("refuses an empty groups prefix on EKS, where IdP groups would meet the platform's mlops:* groups", () => {
    const cfg = fixture("dev");
    cfg.access.groupsPrefix = "";
    expectProblem(cfg, "access.groupsPrefix", "is empty: an IdP group named like one of the platform's groups (mlops:*");
  });

  it("accepts an empty groups prefix on an existing cluster, whose API server settings are the site's", () => {
    const cfg = fixture("local");
    cfg.access.groupsPrefix = "";
    expectValid(cfg);
  });
});

describe("TLS", () => {
  it("requires the ACM certificate on EKS, naming the names it must cover", () => {
    const cfg = fixture("dev");
    delete cfg.access.tls;
    expectProblem(
      cfg,
      "access.tls.acmCertificateArn",
      "is required on EKS: the network load balancer terminates TLS with this ACM certificate, which must cover *.mlops-dev.example.com and *.models.mlops-dev.example.com",
    );
  });

  it("refuses a cert-manager issuer on EKS", () => {
    const cfg = fixture("dev");
    cfg.access.tls.issuer = { kind: "ClusterIssuer", name: "corp-ca" };
    expectProblem(cfg, "access.tls.issuer", "is not used on EKS: TLS terminates at the load balancer");
  });

  it("refuses an ACM certificate on an existing cluster", () => {
    const cfg = fixture("local");
    cfg.access.tls.acmCertificateArn = "arn:aws:acm:us-east-1:111122223333:certificate/0b8e2c6a-4f1d-4e8a-9c3b-5d7e1f2a6b90";
    expectProblem(cfg, "access.tls.acmCertificateArn", "is for an EKS load balancer; on an existing cluster the gateway's certificate comes from cert-manager");
  });

  it("requires a cert-manager issuer on an existing cluster", () => {
    const cfg = fixture("local");
    delete cfg.access.tls;
    expectProblem(cfg, "access.tls.issuer", "is required on an existing cluster: name the cert-manager Issuer or ClusterIssuer");
  });

  it("refuses a self-signed certificate in prod and accepts a named issuer there", () => {
    const cfg = fixture("local");
    cfg.environment = "prod";
    cfg.access.identityProvider = fixture("dev").access.identityProvider;
    expectProblem(cfg, "access.tls.issuer", "is self-signed, which prod does not use");
    cfg.access.tls.issuer = { kind: "ClusterIssuer", name: "corp-ca" };
    expect(paths(cfg)).not.toContain("access.tls.issuer");
  });

  it("refuses a certificate of another partition than the region's", () => {
    const cfg = fixture("dev");
    cfg.access.tls.acmCertificateArn = "arn:aws-cn:acm:cn-north-1:111122223333:certificate/0b8e2c6a";
    expectProblem(cfg, "access.tls.acmCertificateArn", "is in AWS partition aws-cn, but the stack's region (aws.region) is in partition aws");
  });

  it("refuses a certificate of another region: ACM certificates are regional", () => {
    const cfg = fixture("dev");
    cfg.access.tls.acmCertificateArn = "arn:aws:acm:eu-west-1:111122223333:certificate/0b8e2c6a";
    expectProblem(cfg, "access.tls.acmCertificateArn", "is in region eu-west-1, but the load balancer is in us-east-1 (aws.region)");
  });

  it("refuses a certificate of an account the stack may not act in", () => {
    const cfg = fixture("prod");
    cfg.access.tls.acmCertificateArn = "arn:aws:acm:us-east-1:111122223333:certificate/0b8e2c6a";
    expectProblem(cfg, "access.tls.acmCertificateArn", "is in account 111122223333, which is not one of aws.allowedAccountIds (444455556666)");
  });
});

describe("exposure", () => {
  it("requires source ranges for an internet-facing gateway in prod", () => {
    const cfg = fixture("prod");
    cfg.access.exposure = { scheme: "internet-facing" };
    expectProblem(cfg, "access.exposure.sourceRanges", "is required for an internet-facing gateway in prod");
    cfg.access.exposure.sourceRanges = ["198.51.100.0/24", "203.0.113.16/28"];
    expectValid(cfg);
  });

  it("refuses the whole internet, and over-broad ranges, in prod", () => {
    const cfg = fixture("prod");
    cfg.access.exposure = { scheme: "internet-facing", sourceRanges: ["0.0.0.0/0", "10.0.0.0/8"] };
    expectProblem(cfg, "access.exposure.sourceRanges[0]", "0.0.0.0/0 opens the gateway to the whole internet, which prod never does");
    expectProblem(cfg, "access.exposure.sourceRanges[1]", "prod admits named client networks only");
  });

  it("accepts an internet-facing gateway open to all outside prod", () => {
    const cfg = fixture("dev");
    cfg.access.exposure = { scheme: "internet-facing", sourceRanges: ["0.0.0.0/0"] };
    expectValid(cfg);
  });

  it("refuses internet-facing on an existing cluster, where the site's load balancer decides", () => {
    const cfg = fixture("local");
    cfg.access.exposure = { scheme: "internet-facing" };
    expectProblem(cfg, "access.exposure.scheme", "internet-facing has no effect on an existing cluster");
  });
});

describe("service-account issuer", () => {
  it("refuses it on EKS, whose own OIDC issuer model endpoints trust", () => {
    const cfg = fixture("dev");
    cfg.access.serviceAccountIssuer = { issuer: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC", jwks: JWKS };
    expectProblem(cfg, "access.serviceAccountIssuer", "is not used on EKS: model endpoints trust the cluster's own OIDC issuer");
  });
});

describe("teams[].modelEndpoints", () => {
  it('needs "kserve" among the team\'s services', () => {
    const cfg = fixture("dev");
    teamsOf(cfg)[1].modelEndpoints = {};
    expectProblem(cfg, "teams[1].modelEndpoints", 'needs the team to opt into "kserve" (teams[].services)');
  });

  it("needs the access section", () => {
    const cfg = fixture("local");
    delete cfg.access;
    expectProblem(cfg, "teams[0].modelEndpoints", "needs the access section: model endpoints are served on the gateway");
  });

  it("needs KServe in Standard mode, the one that routes through the Gateway API", () => {
    const cfg = fixture("dev");
    cfg.services.kserve = { mode: "serverless" };
    expectProblem(
      cfg,
      "teams[0].modelEndpoints",
      "needs services.kserve.mode standard: KServe routes InferenceServices through the Gateway API only in Standard mode",
    );
  });

  it("accepts callers of the team itself and of other teams", () => {
    const cfg = fixture("prod");
    expect(teamsOf(cfg)[2].modelEndpoints.callers).toEqual(["fraud/team-workload", "recsys/team-workload"]);
    expectValid(cfg);
  });

  it("refuses a caller in a namespace that is no team of the stack", () => {
    const cfg = fixture("prod");
    teamsOf(cfg)[2].modelEndpoints.callers = ["fraud/team-workload", "kubeflow/pipeline-runner"];
    expectProblem(cfg, "teams[2].modelEndpoints.callers[1]", '"kubeflow" is not a team of this stack: callers are service accounts of team namespaces');
  });

  it("refuses a caller listed twice", () => {
    const cfg = fixture("prod");
    teamsOf(cfg)[2].modelEndpoints.callers = ["recsys/team-workload", "recsys/team-workload"];
    expectProblem(cfg, "teams[2].modelEndpoints.callers[1]", '"recsys/team-workload" duplicates callers[0]');
  });

  it("says nothing about callers while a team's name failed: it may be the one named", () => {
    const cfg = fixture("prod");
    teamsOf(cfg)[0].name = "Recsys!";
    const result = validate(cfg);
    expect(result.ok ? [] : result.problems.filter((p) => p.path.includes("callers"))).toEqual([]);
  });

  it("needs the service-account issuer for callers on an existing cluster, and accepts them with it", () => {
    const cfg = fixture("local");
    teamsOf(cfg)[0].modelEndpoints = { callers: ["sandbox/team-workload"] };
    expectProblem(cfg, "teams[0].modelEndpoints.callers", "needs access.serviceAccountIssuer on an existing cluster");
    cfg.access.serviceAccountIssuer = { issuer: "https://kubernetes.default.svc.cluster.local", jwks: JWKS };
    expectValid(cfg);
  });
});
