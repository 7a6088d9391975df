import { SECRET_FILE_MODE } from "../../charts/services/secret-files";
import { loadValuesFile, mergeValues, type Values } from "../../charts/values";
import { grafanaOAuthMount, grafanaOAuthValues, type GrafanaOAuthInputs } from "./oauth";

export const GRAFANA_ADMIN_SECRET = "grafana-admin";
/** Grafana's admin login; not a secret, so a plain value (the Secret keeps it too, under admin-user). */
export const GRAFANA_ADMIN_USER = "admin";
/** Where Grafana's container reads the admin Secret's keys as files. */
export const GRAFANA_ADMIN_MOUNT = "/etc/secrets/grafana-admin";

/**
 * kube-prometheus-stack values: our overrides plus the admin secret we generate. Grafana reads the password from
 * the mounted Secret (`__FILE`, POD-11); with both admin variables set the chart puts no Secret in any
 * container's environment, the sidecars' included (they reload nothing, see the values file). With `oauth`,
 * people sign in through the identity provider (./oauth.ts); the admin login stays as the break-glass way in.
 */
export function prometheusStackValues(oauth?: GrafanaOAuthInputs): Values {
  const adminMount = { name: "admin", secretName: GRAFANA_ADMIN_SECRET, mountPath: GRAFANA_ADMIN_MOUNT, readOnly: true, defaultMode: SECRET_FILE_MODE };
  const admin: Values = {
    admin: { existingSecret: GRAFANA_ADMIN_SECRET },
    env: { GF_SECURITY_ADMIN_USER: GRAFANA_ADMIN_USER, GF_SECURITY_ADMIN_PASSWORD__FILE: `${GRAFANA_ADMIN_MOUNT}/admin-password` },
    extraSecretMounts: [adminMount, ...(oauth ? [grafanaOAuthMount] : [])],
  };
  return mergeValues(loadValuesFile("kube-prometheus-stack"), { grafana: oauth ? mergeValues(admin, grafanaOAuthValues(oauth)) : admin });
}
