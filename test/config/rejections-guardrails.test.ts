/** The `guardrails` section: its rules, each with the message it gives. */
import { describe, expect, it } from "vitest";
import { resolveGuardrails } from "../../config/guardrails";
import { expectProblem, expectValid, fixture } from "./fixtures";

describe("guardrails.imageRegistries", () => {
  it("is required in prod", () => {
    const cfg = fixture("prod");
    delete cfg.guardrails;
    expectProblem(cfg, "guardrails.imageRegistries", "is required in prod: list the registries team images may come from");
  });

  it("may be left out outside prod, where any registry is allowed", () => {
    for (const stack of ["local", "dev", "staging"] as const) {
      const cfg = fixture(stack);
      delete cfg.guardrails;
      expectValid(cfg);
    }
    expect(resolveGuardrails(undefined).imageRegistries).toBeUndefined();
  });

  it.each(["https://ghcr.io/acme", "ghcr.io/acme/", "ghcr.io/acme:latest", "GHCR.io", "ghcr.io//acme", ""])(
    "refuses %j, which is no registry or registry/path prefix",
    (registry) => {
      const cfg = fixture("dev");
      cfg.guardrails = { imageRegistries: [registry] };
      expectProblem(cfg, "guardrails.imageRegistries[0]", "is not a registry or registry/path prefix");
    },
  );

  it("refuses an empty list (it would admit no image at all)", () => {
    const cfg = fixture("dev");
    cfg.guardrails = { imageRegistries: [] };
    expectProblem(cfg, "guardrails.imageRegistries", "needs at least 1 entry");
  });

  it.each(["123456789012.dkr.ecr.us-east-1.amazonaws.com", "ghcr.io/acme", "registry.local:5000", "docker.io/library", "localhost:5000/ml"])(
    "accepts %s",
    (registry) => {
      const cfg = fixture("dev");
      cfg.guardrails = { imageRegistries: [registry] };
      expectValid(cfg);
    },
  );

  it("resolves to the listed registries once each", () => {
    expect(resolveGuardrails({ imageRegistries: ["ghcr.io/acme", "ghcr.io/acme", "quay.io"] }).imageRegistries).toEqual(["ghcr.io/acme", "quay.io"]);
  });
});
