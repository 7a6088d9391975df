/**
 * ValidatingAdmissionPolicy and its binding (admissionregistration.k8s.io/v1, built into Kubernetes since 1.30):
 * built-in kinds, but newer than cdk8s-plus-28's generated API classes, so they are authored here like custom
 * resources, with the fields we set typed after the v1 API. The plan checks them against the API schema.
 */
import type { Construct } from "constructs";
import { customResource, type LabelSelector, type Metadata } from "../kube";

export const ADMISSION_API = "admissionregistration.k8s.io/v1";

export type AdmissionOperation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";

export interface ResourceRule {
  readonly apiGroups: readonly string[];
  readonly apiVersions: readonly string[];
  readonly resources: readonly string[];
  readonly operations: readonly AdmissionOperation[];
  /** Namespaced, cluster-scoped or both. @default "*" */
  readonly scope?: "Cluster" | "Namespaced" | "*";
}

export interface MatchResources {
  readonly namespaceSelector?: LabelSelector;
  readonly resourceRules: readonly ResourceRule[];
}

/** A CEL expression that must hold, and the message (or message expression) when it does not. */
export interface Validation {
  readonly expression: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly reason?: "Unauthorized" | "Forbidden" | "Invalid" | "RequestEntityTooLarge";
}

export interface AdmissionPolicySpec {
  readonly failurePolicy: "Fail" | "Ignore";
  readonly matchConstraints: MatchResources;
  readonly matchConditions?: readonly { readonly name: string; readonly expression: string }[];
  readonly variables?: readonly { readonly name: string; readonly expression: string }[];
  readonly validations: readonly Validation[];
}

export interface AdmissionPolicyBindingSpec {
  readonly policyName: string;
  readonly validationActions: readonly ("Deny" | "Warn" | "Audit")[];
  readonly matchResources?: { readonly namespaceSelector?: LabelSelector };
}

export const validatingAdmissionPolicy = (scope: Construct, id: string, metadata: Metadata, spec: AdmissionPolicySpec) =>
  customResource(scope, id, { apiVersion: ADMISSION_API, kind: "ValidatingAdmissionPolicy", metadata, spec });

export const validatingAdmissionPolicyBinding = (scope: Construct, id: string, metadata: Metadata, spec: AdmissionPolicyBindingSpec) =>
  customResource(scope, id, { apiVersion: ADMISSION_API, kind: "ValidatingAdmissionPolicyBinding", metadata, spec });
