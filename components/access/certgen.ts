/**
 * Envoy Gateway's certgen as an ordinary Job. The chart ships it as a pre-install/pre-upgrade Helm hook, which
 * helm.v4.Chart never creates; without it the controller has no xDS certificates (Secret envoy-gateway) and never
 * starts, and the proxies and OIDC filters miss theirs (envoy, envoy-oidc-hmac). certgen creates only the Secrets
 * that are missing. No TTL: a finished Job stays, so Pulumi never sees it vanish; a new image replaces the Job
 * (its template is immutable), which runs certgen again as the upgrade hook would.
 */
import { k8s, manifests, resources, restrictedPodSpec, type Manifest } from "../../charts/kube";
import { GATEWAY_NAMESPACE } from "../../domain/access";
import { CHARTS } from "../../domain/versions";

export const CERTGEN_NAME = "envoy-gateway-certgen";
export const CERTGEN_POD_LABELS = { app: "certgen" } as const;
/** The controller image the chart runs, by the release's own substitution. */
export const ENVOY_GATEWAY_IMAGE = CHARTS.envoyGateway.valuesTemplate.GatewayImage;
/** The uid the image and the chart run as. */
const ENVOY_GATEWAY_UID = 65532;

export function certgenObjects(labels: Readonly<Record<string, string>> = {}): Manifest[] {
  const metadata = { name: CERTGEN_NAME, namespace: GATEWAY_NAMESPACE, labels: { ...labels } };
  return manifests((scope) => {
    new k8s.KubeServiceAccount(scope, "service-account", { metadata, automountServiceAccountToken: false });
    // The chart's rules: the Secrets it writes in the gateway's namespace, nothing else (the topology injector is off).
    new k8s.KubeRole(scope, "role", { metadata, rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "create", "update"] }] });
    new k8s.KubeRoleBinding(scope, "role-binding", {
      metadata,
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: CERTGEN_NAME },
      subjects: [{ kind: "ServiceAccount", name: CERTGEN_NAME, namespace: GATEWAY_NAMESPACE }],
    });
    new k8s.KubeJob(scope, "job", {
      metadata,
      spec: {
        backoffLimit: 6,
        template: {
          metadata: { labels: { ...labels, ...CERTGEN_POD_LABELS } },
          spec: restrictedPodSpec(
            {
              serviceAccountName: CERTGEN_NAME,
              restartPolicy: "Never",
              containers: [
                {
                  name: "envoy-gateway-certgen",
                  image: ENVOY_GATEWAY_IMAGE,
                  imagePullPolicy: "IfNotPresent",
                  command: ["envoy-gateway", "certgen", "--disable-topology-injector"],
                  env: [
                    { name: "ENVOY_GATEWAY_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                    { name: "KUBERNETES_CLUSTER_DOMAIN", value: "cluster.local" },
                  ],
                  resources: resources({ cpu: "10m", memory: "32Mi" }, { memory: "128Mi" }),
                },
              ],
            },
            { uid: ENVOY_GATEWAY_UID, apiAccess: true },
          ),
        },
      },
    });
  });
}
