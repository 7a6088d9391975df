/**
 * What every Grafana dashboard of ours is made of: the panel and dashboard JSON shapes, the row layout that numbers
 * and places panels, and the shared template variables (the Prometheus data source, label pickers). The platform
 * dashboards, the GPU queues dashboard and the model-drift dashboard all build on it.
 */

export interface Panel {
  readonly id: number;
  readonly type: "timeseries" | "stat" | "table" | "bargauge";
  readonly title: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource: { readonly type: "prometheus"; readonly uid: "${datasource}" };
  readonly targets: readonly { readonly refId: string; readonly expr: string; readonly legendFormat: string }[];
  readonly fieldConfig: { readonly defaults: { readonly unit: string; readonly max?: number }; readonly overrides: readonly [] };
}

export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly schemaVersion: number;
  readonly editable: boolean;
  readonly time: { readonly from: string; readonly to: string };
  readonly refresh: string;
  readonly templating: { readonly list: readonly Record<string, unknown>[] };
  readonly panels: readonly Panel[];
}

/** A panel as written: its unit and optional maximum; id, place, data source and field config come from the layout. */
export type PanelSpec = Omit<Panel, "id" | "gridPos" | "datasource" | "fieldConfig"> & { readonly unit: string; readonly max?: number };

/** One query of a panel. */
export const target = (expr: string, legendFormat: string, refId = "A") => ({ refId, expr, legendFormat });

/** Rows of panels, each row 8 high and split evenly across the 24 columns; panels numbered from 1 in reading order. */
export function layoutPanels(rows: readonly (readonly PanelSpec[])[]): Panel[] {
  let id = 0;
  return rows.flatMap((row, rowIndex) => {
    const width = Math.floor(24 / row.length);
    return row.map(({ unit, max, ...rest }, column) => ({
      ...rest,
      id: ++id,
      gridPos: { x: column * width, y: rowIndex * 8, w: width, h: 8 },
      datasource: { type: "prometheus" as const, uid: "${datasource}" as const },
      fieldConfig: { defaults: { unit, ...(max !== undefined ? { max } : {}) }, overrides: [] as const },
    }));
  });
}

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
