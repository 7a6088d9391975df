/**
 * The guardrail rules as objects: one policy and one Deny binding per rule, each rule with an owner, a reason and
 * controls defined in docs/security-controls.md. What they refuse is proven on a real API server
 * (test/cluster/guardrails.test.ts); here, what is generated from config.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { guardrailObjects, guardrailPolicyName, guardrailRules } from "../../charts/guardrails";
import { DRIFT_JOB_IMAGES } from "../../charts/services/drift";
import { teamImageRegistries } from "../../components/teams";
import { IMAGES, imageRef } from "../../domain/versions";

const CONTROLS = readFileSync(join(__dirname, "..", "..", "docs", "security-controls.md"), "utf8");

describe("guardrail rules", () => {
  const rules = guardrailRules({ imageRegistries: ["registry.example.com"] });

  it("each has a unique name, an owner, a reason and controls the baseline defines", () => {
    expect(rules.length).toBe(11);
    expect(new Set(rules.map((r) => r.name)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.reason.length, rule.name).toBeGreaterThan(40);
      expect(["platform-security", "platform-operations"]).toContain(rule.owner);
      expect(rule.controls.length, rule.name).toBeGreaterThan(0);
      for (const id of rule.controls) expect(CONTROLS, `${rule.name}: ${id}`).toContain(`| ${id} |`);
      expect(rule.spec.failurePolicy).toBe("Fail");
    }
  });

  it("externalIPs: says a Service stays in the cluster and names the gateway only as the access section's way out, never an ingress", () => {
    const rule = rules.find((r) => r.name === "service-external-ips");
    expect(rule?.spec.validations.map((v) => v.message)).toEqual([
      "Services may not set spec.externalIPs (CVE-2020-8554): a Service stays inside the cluster; with the access section, a team's models are served through the platform's gateway (teams[].modelEndpoints)",
    ]);
  });

  it("binds the registry rule only when registries are configured", () => {
    expect(guardrailRules({}).map((r) => r.name)).not.toContain("image-registries");
    expect(rules.map((r) => r.name)).toContain("image-registries");
  });

  it("renders one policy and one Deny binding per rule, carrying owner, reason and controls as annotations", () => {
    const objects = guardrailObjects({ imageRegistries: ["registry.example.com"] }) as {
      kind: string;
      metadata: { name: string; annotations?: Record<string, string> };
      spec: { policyName?: string; validationActions?: string[] };
    }[];
    const policies = objects.filter((o) => o.kind === "ValidatingAdmissionPolicy");
    const bindings = objects.filter((o) => o.kind === "ValidatingAdmissionPolicyBinding");
    expect(policies.map((p) => p.metadata.name).sort()).toEqual(rules.map((r) => guardrailPolicyName(r.name)).sort());
    for (const policy of policies) {
      const rule = rules.find((r) => guardrailPolicyName(r.name) === policy.metadata.name);
      expect(policy.metadata.annotations).toEqual({
        "mlops.platform/owner": rule?.owner,
        "mlops.platform/reason": rule?.reason,
        "mlops.platform/controls": rule?.controls.join(","),
      });
      const binding = bindings.find((b) => b.spec.policyName === policy.metadata.name);
      expect(binding?.spec.validationActions).toEqual(["Deny"]);
    }
  });

  it("writes the allowed registries into the registry rule's expression and message", () => {
    const rule = rules.find((r) => r.name === "image-registries");
    expect(rule?.spec.variables?.find((v) => v.name === "allowed")?.expression).toContain(": ['registry.example.com']");
    expect(rule?.spec.validations[0].expression).toContain("variables.allowed");
    expect(rule?.spec.validations[0].messageExpression).toContain("images must come from registry.example.com");
  });
});

describe("teamImageRegistries", () => {
  it("leaves any registry allowed when none is configured", () => {
    expect(teamImageRegistries(undefined)).toBeUndefined();
    expect(teamImageRegistries({})).toBeUndefined();
  });

  it("adds the exact repositories of the images the drift jobs run (not their whole organisations), so the platform's own jobs pass", () => {
    const registries = teamImageRegistries({ imageRegistries: ["registry.example.com"] }) ?? [];
    expect(registries[0]).toBe("registry.example.com");
    for (const image of Object.values(DRIFT_JOB_IMAGES)) {
      expect(registries).toContain(IMAGES[image].repository);
      expect(imageRef(image).startsWith(`${IMAGES[image].repository}:`)).toBe(true);
    }
  });
});
