/** KServe on the platform's Gateway: the kserve-resources v0.20.0 values that make an HTTPRoute per InferenceService. */
import { describe, expect, it } from "vitest";
import { kserveGatewayValues, kserveValues } from "../../components/services/model-serving";
import { GATEWAY_NAME, GATEWAY_NAMESPACE, modelHost } from "../../domain/access";

describe("kserve gateway values", () => {
  it("routes on ingress/platform for <isvc>-<namespace>.models.<domain> over https, with no Gateway of KServe's own", () => {
    expect(kserveGatewayValues("mlops.example.com")).toEqual({
      kserve: {
        controller: {
          gateway: {
            domain: "models.mlops.example.com",
            urlScheme: "https",
            disableIngressCreation: false,
            ingressGateway: { enableGatewayApi: true, kserveGateway: `${GATEWAY_NAMESPACE}/${GATEWAY_NAME}`, createGateway: false },
          },
        },
      },
    });
    // KServe's default domainTemplate {{ .Name }}-{{ .Namespace }}.{{ .IngressDomain }} is what modelHost says.
    expect(modelHost("mlops.example.com", "churn", "vision")).toBe("churn-vision.models.mlops.example.com");
  });

  it("merge over our overrides: Istio stays off, the standard mode stays, the other gateway keys are kept", () => {
    const v = kserveValues("standard", "mlops.example.com") as any;
    expect(v.kserve.controller.deploymentMode).toBe("Standard");
    expect(v.kserve.controller.gateway).toMatchObject({
      disableIstioVirtualHost: true,
      disableIngressCreation: false,
      domain: "models.mlops.example.com",
      urlScheme: "https",
      ingressGateway: { enableGatewayApi: true, kserveGateway: "ingress/platform", createGateway: false },
    });
  });

  it("without a gateway domain: no routes, the cluster-local domain (KServe then makes no HTTPRoute)", () => {
    const v = kserveValues("standard") as any;
    expect(v.kserve.controller.gateway).toMatchObject({ disableIngressCreation: true, domain: "svc.cluster.local" });
    expect(v.kserve.controller.gateway.ingressGateway).toBeUndefined();
  });
});
