/**
 * The `guardrails` section: settings of the runtime rules the API server enforces on what teams create
 * (charts/guardrails). Today one: the registries team images may come from.
 */
import { z } from "zod";
import type { Environment } from "../domain/environments";
import type { Problem } from "./problems";

/** A registry host (with an optional port) or a registry/path prefix, lowercase, no scheme, tag or trailing slash. */
const registryPrefix = z.string().regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, {
  message:
    'is not a registry or registry/path prefix such as "123456789012.dkr.ecr.eu-west-1.amazonaws.com" or "ghcr.io/acme" (no scheme, tag or trailing slash)',
});

export const guardrailsSchema = z.strictObject({
  /**
   * Where images in team namespaces may come from: registry hosts or registry/path prefixes. A short name such as
   * `python:3.12` means `docker.io/library/python:3.12`. The registries of the images the platform itself runs in
   * team namespaces (the drift jobs) are always added. @default any registry, outside prod; prod must list them
   */
  imageRegistries: z.array(registryPrefix).min(1).optional(),
});

export type GuardrailsInput = z.infer<typeof guardrailsSchema>;

export interface GuardrailsConfig {
  /** Undefined: any registry. */
  readonly imageRegistries?: readonly string[];
}

export function resolveGuardrails(input: GuardrailsInput | undefined): GuardrailsConfig {
  return { imageRegistries: input?.imageRegistries && [...new Set(input.imageRegistries)] };
}

export function guardrailProblems(input: GuardrailsInput | undefined, environment: Environment): Problem[] {
  if (environment === "prod" && input?.imageRegistries === undefined) {
    return [
      {
        path: "guardrails.imageRegistries",
        message: "is required in prod: list the registries team images may come from (your ECR, a vetted mirror); other tiers allow any registry",
      },
    ];
  }
  return [];
}
