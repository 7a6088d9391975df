/**
 * Fluent Bit's pipeline as data (classic-mode sections), rendered to the text the upstream chart puts in its ConfigMap
 * (`config.service`, `config.inputs`, `config.filters`, `config.outputs`). Pure: the routing is tested without Fluent Bit.
 *
 * Routing, with the teams known at plan time: every container log is tailed as `kube.*` and enriched by the
 * kubernetes filter; rewrite_tag re-emits a team namespace's records as `team.<team>` (and drops the `kube.*` copy),
 * so what keeps a `kube.*` tag is everyone else's: platform namespaces, kube-system and any namespace no team owns.
 * A modify filter stamps each record with its `team` (`platform` for the rest). On CloudWatch each team's tag has its
 * own output into its own group and `kube.*` goes to the platform group; a site's destination takes both.
 * https://docs.fluentbit.io/manual/data-pipeline/filters/rewrite-tag
 */
import type { LogDestination } from "../../config/logging";

/** One classic-mode section: `[NAME]` and its key/value lines, in order (keys may repeat, like rewrite_tag's Rule). */
export interface Section {
  readonly name: "SERVICE" | "INPUT" | "FILTER" | "OUTPUT";
  readonly entries: readonly (readonly [string, string])[];
}

/** Where a cluster's logs go: CloudWatch Logs groups by name (EKS), or the site's destination. */
export type FluentBitSink =
  | { readonly kind: "cloudwatch"; readonly region: string; readonly platformGroup: string; readonly teamGroups: Readonly<Record<string, string>> }
  | { readonly kind: "site"; readonly destination: LogDestination };

export interface FluentBitPipelineArgs {
  /** Team names; each team's namespace is named after the team. */
  readonly teams: readonly string[];
  readonly sink: FluentBitSink;
  /** Where the tail offsets live (a host path mounted read-write, so a restarted pod resumes where it stopped). */
  readonly stateDir: string;
  /** The HTTP server's port: health checks and the Prometheus metrics. */
  readonly metricsPort: number;
}

/** The tag every tailed container log starts with; the kubernetes filter reads pod and namespace from the rest. */
export const CONTAINER_TAG_PREFIX = "kube.";
/** A team's records after rewrite_tag. */
export const teamTag = (team: string): string => `team.${team}`;
/** The `team` value of records outside any team namespace. */
export const PLATFORM_TEAM = "platform";

/** The record accessor of the namespace the kubernetes filter adds. */
const NAMESPACE = "$kubernetes['namespace_name']";
const STREAM_TEMPLATE = "$kubernetes['namespace_name'].$kubernetes['pod_name'].$kubernetes['container_name']";

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const onOff = (flag: boolean): string => (flag ? "On" : "Off");

function service(metricsPort: number): Section {
  return {
    name: "SERVICE",
    entries: [
      ["Daemon", "Off"],
      ["Flush", "1"],
      ["Log_Level", "info"],
      ["Parsers_File", "/fluent-bit/etc/parsers.conf"],
      ["HTTP_Server", "On"],
      ["HTTP_Listen", "0.0.0.0"],
      ["HTTP_Port", String(metricsPort)],
      ["Health_Check", "On"],
    ],
  };
}

function containerInput(stateDir: string): Section {
  return {
    name: "INPUT",
    entries: [
      ["Name", "tail"],
      ["Tag", `${CONTAINER_TAG_PREFIX}*`],
      // Symlinks into /var/log/pods; containerd writes CRI-format files there (no /var/lib/docker on EKS AL2023 or kind).
      ["Path", "/var/log/containers/*.log"],
      ["multiline.parser", "docker, cri"],
      // Offsets on the host: a restarted or upgraded pod neither re-sends nor skips what was written meanwhile.
      ["DB", `${stateDir}/tail-containers.db`],
      ["DB.locking", "true"],
      // Backpressure: tailing pauses while this much is buffered, and the files on disk hold the rest.
      ["Mem_Buf_Limit", "32MB"],
      // Lines up to 256 KiB (large JSON stack traces) are kept; only longer ones are skipped, not the whole file.
      ["Buffer_Max_Size", "256k"],
      ["Skip_Long_Lines", "On"],
      ["Refresh_Interval", "10"],
    ],
  };
}

function kubernetesFilter(): Section {
  return {
    name: "FILTER",
    entries: [
      ["Name", "kubernetes"],
      ["Match", `${CONTAINER_TAG_PREFIX}*`],
      ["Kube_Tag_Prefix", `${CONTAINER_TAG_PREFIX}var.log.containers.`],
      ["Merge_Log", "On"],
      ["Keep_Log", "Off"],
      // Pods may not pick their parser or drop their own logs through annotations: a team's logs are an audit trail.
      ["K8S-Logging.Parser", "Off"],
      ["K8S-Logging.Exclude", "Off"],
      ["Annotations", "Off"],
      // Pods with many labels exceed the default 32k metadata buffer and would lose their metadata (and their route).
      ["Buffer_Size", "256k"],
    ],
  };
}

function teamRouter(teams: readonly string[]): Section[] {
  if (teams.length === 0) return [];
  return [
    {
      name: "FILTER",
      entries: [
        ["Name", "rewrite_tag"],
        ["Match", `${CONTAINER_TAG_PREFIX}*`],
        ...teams.map((team) => ["Rule", `${NAMESPACE} ^${escapeRegex(team)}$ ${teamTag(team)} false`] as const),
        ["Emitter_Name", "team_router"],
        ["Emitter_Mem_Buf_Limit", "32MB"],
      ],
    },
  ];
}

const stamp = (match: string, team: string): Section => ({
  name: "FILTER",
  entries: [
    ["Name", "modify"],
    ["Match", match],
    // Set, not Add: Merge_Log lifts an application's JSON fields to the top, and a logged "team" must not stand.
    ["Set", `team ${team}`],
  ],
});

function cloudwatchOutput(match: string, region: string, group: string): Section {
  return {
    name: "OUTPUT",
    entries: [
      ["Name", "cloudwatch_logs"],
      ["Match", match],
      ["region", region],
      ["log_group_name", group],
      // The platform's Pulumi program creates every group (retention, KMS key); Fluent Bit may only add streams.
      ["auto_create_group", "false"],
      ["log_stream_template", STREAM_TEMPLATE],
      // Used only when the template cannot be filled (a record without kubernetes metadata).
      ["log_stream_prefix", "unlabelled-"],
      ["Retry_Limit", "no_limits"],
    ],
  };
}

function siteOutput(destination: LogDestination): Section {
  const common: [string, string][] = [
    ["Match", "*"],
    ["Host", destination.host],
    ["Port", String(destination.port)],
    ["tls", onOff(destination.tls)],
    ...(destination.tls ? ([["tls.verify", "On"]] as [string, string][]) : []),
    ["Retry_Limit", "no_limits"],
  ];
  switch (destination.kind) {
    case "forward":
      return { name: "OUTPUT", entries: [["Name", "forward"], ...common] };
    case "loki":
      return {
        name: "OUTPUT",
        entries: [
          ["Name", "loki"],
          ...common,
          ...(destination.tenant ? ([["tenant_id", destination.tenant]] as [string, string][]) : []),
          // Few, bounded labels: a stream per namespace and team; pod and container stay in the line.
          ["labels", `job=fluent-bit, ${NAMESPACE}`],
          ["label_keys", "$team"],
          ["line_format", "json"],
        ],
      };
    case "opensearch":
      return {
        name: "OUTPUT",
        entries: [
          ["Name", "opensearch"],
          ...common,
          ["Index", destination.index],
          // OpenSearch 2 refuses a mapping type in bulk requests.
          ["Suppress_Type_Name", "On"],
          // Kubernetes label keys (app.kubernetes.io/name) would otherwise become nested objects and conflict.
          ["Replace_Dots", "On"],
        ],
      };
  }
}

/** The whole pipeline, section by section, in the order Fluent Bit applies filters. */
export function fluentBitPipeline(args: FluentBitPipelineArgs): { service: Section[]; inputs: Section[]; filters: Section[]; outputs: Section[] } {
  const teams = [...args.teams];
  const filters = [
    kubernetesFilter(),
    ...teamRouter(teams),
    ...teams.map((team) => stamp(teamTag(team), team)),
    stamp(`${CONTAINER_TAG_PREFIX}*`, PLATFORM_TEAM),
  ];
  const sink = args.sink;
  const outputs =
    sink.kind === "site"
      ? [siteOutput(sink.destination)]
      : [
          ...teams.map((team) => {
            const group = sink.teamGroups[team];
            if (group === undefined) throw new Error(`fluentBitPipeline: no log group for team ${team}`);
            return cloudwatchOutput(teamTag(team), sink.region, group);
          }),
          cloudwatchOutput(`${CONTAINER_TAG_PREFIX}*`, sink.region, sink.platformGroup),
        ];
  return { service: [service(args.metricsPort)], inputs: [containerInput(args.stateDir)], filters, outputs };
}

/** Sections as classic-mode text: `[NAME]`, then each key and value indented, padded to one column. */
export function renderSections(sections: readonly Section[]): string {
  return sections
    .map((section) => {
      const width = Math.max(...section.entries.map(([key]) => key.length));
      return [`[${section.name}]`, ...section.entries.map(([key, value]) => `    ${key.padEnd(width)} ${value}`)].join("\n");
    })
    .join("\n\n")
    .concat("\n");
}
