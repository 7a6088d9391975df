/**
 * What stays of Kubeflow Pipelines in `kubeflow`: upstream's cluster-scoped resources (the Namespace, CRDs of
 * Application, Argo, ScheduledWorkflow and Viewer) without the v1 cache deployer's cluster RBAC, and on an existing
 * cluster upstream's MySQL with a generated root password. Both are small overlays over upstream's trees at the
 * pinned ref, rendered by pure functions.
 */
import { stringify } from "yaml";
import { LOCAL_MYSQL_ROOT_SECRET, KUBEFLOW_NAMESPACE } from "../../../charts/services/pipelines";
import { KUSTOMIZE } from "../../../domain/versions";
import { objectRef } from "./objects";
import { deletionPatch, deploymentPatch, kustomization, kustomizeUrl } from "./overlay";

const toYaml = (value: unknown): string => stringify(value, { lineWidth: 0 });

/**
 * The v1 cache deployer's cluster RBAC (base/cache-deployer/cluster-scoped at 2.17.0): a ClusterRole on
 * CertificateSigningRequests and MutatingWebhookConfigurations bound to a ServiceAccount in `kubeflow`; no team install
 * runs the deployer.
 */
export const CACHE_DEPLOYER_CLUSTER_OBJECTS = [
  objectRef("rbac.authorization.k8s.io/v1", "ClusterRole", "kubeflow-pipelines-cache-deployer-clusterrole"),
  objectRef("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "kubeflow-pipelines-cache-deployer-clusterrolebinding"),
  objectRef("v1", "ServiceAccount", "kubeflow-pipelines-cache-deployer-sa"),
] as const;

/** The cluster-scoped overlay: upstream's cluster-scoped-resources minus the cache deployer's RBAC. */
export function clusterScopedOverlay(): Record<string, string> {
  return {
    "kustomization.yaml": toYaml(
      kustomization({
        resources: [kustomizeUrl(KUSTOMIZE.kubeflowPipelines.paths.clusterScoped)],
        patches: CACHE_DEPLOYER_CLUSTER_OBJECTS.map((object) => ({ patch: deletionPatch(object) })),
      }),
    ),
  };
}

/** Where the root password is mounted: the image's entrypoint reads MYSQL_ROOT_PASSWORD_FILE (file_env), so it is never in the environment (POD-11). */
export const LOCAL_MYSQL_ROOT_PASSWORD_DIR = "/etc/mysql-root";

/** Requests and limits of the local MySQL (upstream requests 100m/800Mi, no limits). */
export const LOCAL_MYSQL_RESOURCES = { requests: { cpu: "100m", memory: "800Mi" }, limits: { cpu: "1", memory: "1536Mi" } } as const;

/**
 * The local MySQL overlay: upstream's third-party/mysql/base in `kubeflow` with a generated root password instead of
 * upstream's `MYSQL_ALLOW_EMPTY_PASSWORD: "true"` (mysql-deployment.yaml at 2.17.0, image mysql:8.4), read from a
 * mounted file, and limits. The image creates root with that password when it initialises an empty data directory.
 */
export function localMysqlOverlay(labels: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    "kustomization.yaml": toYaml(
      kustomization({
        namespace: KUBEFLOW_NAMESPACE,
        resources: [kustomizeUrl(KUSTOMIZE.kubeflowPipelines.paths.mysql)],
        labels: [{ includeSelectors: false, includeTemplates: true, pairs: { ...labels } }],
        patches: [
          {
            patch: toYaml(
              deploymentPatch("mysql", {
                containers: [
                  {
                    name: "mysql",
                    env: [
                      { name: "MYSQL_ALLOW_EMPTY_PASSWORD", $patch: "delete" },
                      { name: "MYSQL_ROOT_PASSWORD_FILE", value: `${LOCAL_MYSQL_ROOT_PASSWORD_DIR}/password` },
                    ],
                    volumeMounts: [{ name: "root-password", mountPath: LOCAL_MYSQL_ROOT_PASSWORD_DIR, readOnly: true }],
                    resources: LOCAL_MYSQL_RESOURCES,
                  },
                ],
                volumes: [{ name: "root-password", secret: { secretName: LOCAL_MYSQL_ROOT_SECRET, items: [{ key: "password", path: "password" }] } }],
              }),
            ),
          },
        ],
      }),
    ),
  };
}
