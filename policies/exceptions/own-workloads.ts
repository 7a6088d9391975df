import type { PolicyException } from "./entry";

/** Relaxations for workloads of our own charts (charts/): where the software we run leaves no safer way. */
export const OWN_WORKLOAD_EXCEPTIONS: readonly PolicyException[] = [
  {
    id: "mlflow-flask-secret-key",
    controls: ["POD-11"],
    scope: { component: "mlflow", namespace: "mlflow", workloads: ["mlflow"] },
    reason:
      "MLflow 3.17.2's basic-auth app reads its Flask secret key (CSRF, the same in every worker and replica) only from the MLFLOW_FLASK_SERVER_SECRET_KEY environment variable (mlflow/server/auth/__init__.py, get_flask_server_secret_key); it has no file or config-file option. Every other secret of the server arrives as a mounted file: basic_auth.ini with the admin password, libpq's service file with the database password, the object store's credentials file.",
    owner: "platform-team",
    expires: "2027-06-07",
  },
  {
    id: "feast-servers-env-secrets",
    controls: ["POD-11"],
    // The operator makes each team's Deployment feast-<team> from its FeatureStore at run time: no plan shows them,
    // no offline check sees them, and their names follow teams[], so the scope is the feast namespace.
    scope: { component: "feast", namespace: "feast", workloads: [], notPlanned: "created by an operator at run time" },
    reason:
      "The Feast operator's Deployments feast-<team>, one per team's FeatureStore (Feast 0.66.0); the namespace holds nothing else of ours that runs: the Redis online store takes its password only inside connection_string (feast/infra/online_stores/redis.py), which the operator passes to the servers in their environment, so FEAST_REDIS_PASSWORD is a variable Feast expands; on existing clusters the duckdb offline store reads S3 through DuckDB, which takes AWS keys from the environment only (feast/infra/offline_stores/duckdb.py; no shared credentials file without a DuckDB secret Feast does not create). The SQL registry's password arrives as a mounted libpq service file.",
    owner: "platform-team",
    expires: "2027-06-07",
  },
  {
    id: "scratch-directories-root",
    controls: ["POD-01", "POD-03"],
    scope: { component: "storage", namespace: "kube-system", workloads: ["scratch-directories"] },
    reason:
      "Each team's scratch directory /teams/<team> on FSx for Lustre must belong to the team's POSIX uid/gid (domain/posix.ts) for its non-root pods to write there, and nothing else can give it: FSx makes a data repository association's directory with no say in its owner (CreateDataRepositoryAssociation takes no owner or mode), the FSx CSI driver mounts without any ownership option, and its CSIDriver's fsGroupPolicy ReadWriteOnceWithFSType leaves RWX volumes alone (aws-fsx-csi-driver v1.9.0, pkg/driver/node.go, charts/aws-fsx-csi-driver/values.yaml). chown to another uid needs root with CAP_CHOWN, and re-applying the mode to a directory the team owns needs CAP_FOWNER and CAP_FSETID (the setgid bit); all three are within Pod Security baseline. The Job runs in kube-system, beside the CSI drivers, where teams have no rights; it adds nothing else (no privilege, no escalation, RuntimeDefault seccomp, read-only root file system, no service-account token) and only runs mkdir, chown and chmod (charts/storage-scratch.ts).",
    owner: "platform-team",
    expires: "2027-06-07",
  },
];
