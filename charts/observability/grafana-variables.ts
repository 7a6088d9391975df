/** Grafana template variables the dashboards share: the Prometheus data source, and label pickers over a query. */

export const DATASOURCE_VARIABLE = { name: "datasource", type: "datasource", query: "prometheus", label: "Data source", hide: 0, current: {} };

/** A multi-select picker over one label's values ("All" by default). */
export const labelVariable = (name: string, label: string, query: string) => ({
  name,
  label,
  type: "query",
  datasource: { type: "prometheus", uid: "${datasource}" },
  query: { query, refId: `${name}-values` },
  definition: query,
  refresh: 2,
  includeAll: true,
  multi: true,
  current: {},
  hide: 0,
});
