import { resourcePolicy } from "../lib/define";
import { controlChecker } from "../lib/exceptions";
import { nameOf, namespaceOf } from "../lib/k8s";

export const INGRESS_NAMESPACE = "ingress";
const AUTH_ANNOTATIONS = ["alb.ingress.kubernetes.io/auth-type", "nginx.ingress.kubernetes.io/auth-url", "nginx.ingress.kubernetes.io/auth-signin"];

export const exposure = resourcePolicy(
  {
    name: "k8s-exposure",
    description:
      "LoadBalancer and NodePort Services only in the ingress namespace and only through the AWS Load Balancer Controller; UIs only behind an authenticated ingress; no chart default admin passwords or anonymous access.",
    severity: "high",
    controls: ["EXP-01", "EXP-02"],
  },
  ["kubernetes:core/v1:Service", "kubernetes:networking.k8s.io/v1:Ingress", "kubernetes:helm.sh/v4:Chart"],
  (obj, args, report) => {
    // A Chart resource is judged by its release namespace and name, like the objects it renders.
    const check = controlChecker(namespaceOf(obj) ?? obj.namespace, nameOf(obj) ?? obj.name, report, args.type.split(":").pop());
    if (args.type === "kubernetes:core/v1:Service") {
      const type = obj.spec?.type;
      if (type !== "LoadBalancer" && type !== "NodePort") return;
      if (namespaceOf(obj) !== INGRESS_NAMESPACE)
        return check("EXP-01", false, `Service ${obj.metadata?.name} of type ${type} outside the ${INGRESS_NAMESPACE} namespace`);
      check(
        "EXP-01",
        type !== "LoadBalancer" || obj.spec?.loadBalancerClass === "service.k8s.aws/nlb",
        "LoadBalancer Services use loadBalancerClass service.k8s.aws/nlb (AWS LBC, internal by default)",
      );
      return;
    }
    if (args.type === "kubernetes:networking.k8s.io/v1:Ingress") {
      const annotations: Record<string, string> = obj.metadata?.annotations ?? {};
      check(
        "EXP-02",
        AUTH_ANNOTATIONS.some((a) => annotations[a]),
        `Ingress ${obj.metadata?.name} exposes a service without authentication (OIDC, ALB auth or oauth2-proxy)`,
      );
      return;
    }
    if (obj.chart === "kube-prometheus-stack") {
      const grafana = obj.values?.grafana ?? {};
      check(
        "EXP-02",
        grafana.enabled === false || Boolean(grafana.admin?.existingSecret),
        'Grafana must take its admin credentials from an existing secret, never the chart default "prom-operator"',
      );
      check("EXP-02", grafana["grafana.ini"]?.["auth.anonymous"]?.enabled !== true, "Grafana anonymous access must be off");
    }
  },
);
