import { resourcePolicy } from "../lib/define";

const EXACT = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

export const chartsPinned = resourcePolicy(
  {
    name: "charts-pinned",
    description: "Helm charts are pinned to an exact version, no ranges or latest.",
    severity: "medium",
    controls: ["OPS-04"],
  },
  ["kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v3:Chart"],
  (props, _args, report) => {
    if (!EXACT.test(String(props.version ?? ""))) report(`chart ${props.chart} has version "${props.version ?? ""}", not an exact version`);
  },
);
