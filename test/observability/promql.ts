/** PromQL through Prometheus's own Lezer grammar: parse errors, metric names and label names of an expression. */
import { createRequire } from "node:module";
import type { parser as PromQLParser } from "@prometheus-io/lezer-promql" with { "resolution-mode": "import" };

// The package is an ES module to TypeScript (node16 resolution) but ships a CommonJS build, which this
// CommonJS-compiled test tree loads: the same parser as `import { parser } from "@prometheus-io/lezer-promql"`.
const { parser } = createRequire(__filename)("@prometheus-io/lezer-promql") as { parser: typeof PromQLParser };

export interface ParsedExpr {
  /** Text of each error node ("⚠"); empty when the expression parses. */
  readonly errors: string[];
  /** Metric names of vector selectors (Identifier directly under VectorSelector). */
  readonly metrics: string[];
  /** Every label name the expression mentions (matchers, by/on/group_left lists). */
  readonly labels: string[];
}

export function parsePromQL(expr: string): ParsedExpr {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  const metrics: string[] = [];
  const labels: string[] = [];
  const cursor = tree.cursor();
  do {
    const node = cursor.node;
    if (node.type.isError) errors.push(`⚠ at ${node.from}: "${expr.slice(Math.max(0, node.from - 10), node.to + 10)}"`);
    if (node.type.name === "Identifier" && node.parent?.type.name === "VectorSelector") metrics.push(expr.slice(node.from, node.to));
    if (node.type.name === "LabelName") labels.push(expr.slice(node.from, node.to));
  } while (cursor.next());
  return { errors, metrics: [...new Set(metrics)], labels: [...new Set(labels)] };
}

/** Label matchers `name="value"` of an expression (equality only), for checking which series a query selects. */
export function equalityMatchers(expr: string): { metric: string; label: string; value: string }[] {
  const tree = parser.parse(expr);
  const out: { metric: string; label: string; value: string }[] = [];
  const cursor = tree.cursor();
  do {
    if (cursor.node.type.name !== "VectorSelector") continue;
    const sel = cursor.node;
    const metric = sel.getChild("Identifier");
    const matchers = sel.getChild("LabelMatchers");
    if (!metric || !matchers) continue;
    for (const m of matchers.getChildren("UnquotedLabelMatcher")) {
      const name = m.getChild("LabelName");
      const op = m.getChild("MatchOp");
      const value = m.getChild("StringLiteral");
      if (!name || !op || !value || expr.slice(op.from, op.to) !== "=") continue;
      out.push({
        metric: expr.slice(metric.from, metric.to),
        label: expr.slice(name.from, name.to),
        value: JSON.parse(expr.slice(value.from, value.to)) as string,
      });
    }
  } while (cursor.next());
  return out;
}
