import { loadValuesFile, mergeValues, type Values } from "../../charts/values";

export const GRAFANA_ADMIN_SECRET = "grafana-admin";

/** kube-prometheus-stack values: our overrides plus the admin secret we generate. */
export function prometheusStackValues(): Values {
  return mergeValues(loadValuesFile("kube-prometheus-stack"), { grafana: { admin: { existingSecret: GRAFANA_ADMIN_SECRET } } });
}
