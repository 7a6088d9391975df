/**
 * KServe does not run here and its CRDs are not installed: a stand-in CRD of the tests' own writing serves
 * serving.kserve.io/v1beta1 InferenceServices with an open schema, which is all a validating admission policy needs
 * to match and judge them. What it does not show: the type check against KServe's real schema.
 */
import { refusal, type KubeClient } from "../../scripts/cluster/kube-client";
import { eventually } from "./planned";

export const KSERVE_GROUP = "serving.kserve.io";
export const INFERENCE_SERVICE_CRD = `inferenceservices.${KSERVE_GROUP}`;
const CRD_NAME = INFERENCE_SERVICE_CRD;

/** Enough of the InferenceService API to match and judge: an open schema, the status subresource as KServe's has. */
const STAND_IN_CRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: CRD_NAME },
  spec: {
    group: KSERVE_GROUP,
    names: { kind: "InferenceService", listKind: "InferenceServiceList", plural: "inferenceservices", singular: "inferenceservice" },
    scope: "Namespaced",
    versions: [
      {
        name: "v1beta1",
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
              status: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
            },
          },
        },
      },
    ],
  },
};

/** Applies the stand-in CRD (idempotent) and waits until the server serves the group. */
export async function installInferenceServiceStandIn(admin: KubeClient, fieldManager: string): Promise<void> {
  const applied = await admin.apply(STAND_IN_CRD, fieldManager);
  if (applied.status >= 300) throw new Error(`stand-in CRD: ${refusal(applied)}`);
  // Discovery is cached per process: ask for the group only once the server serves it.
  const served = await eventually(async () => {
    const got = await admin.request("GET", `/apis/${KSERVE_GROUP}/v1beta1`);
    return got.status === 200 && (got.body?.resources ?? []).some((r: { name: string }) => r.name === "inferenceservices") ? true : undefined;
  });
  if (!served) throw new Error(`${CRD_NAME} not served within 30 s`);
}
