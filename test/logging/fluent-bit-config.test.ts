/**
 * The Fluent Bit pipeline builder. A small model of Fluent Bit's routing (tag globs, rewrite_tag rules on the
 * namespace, modify's Add) follows a record of a namespace through the built sections to the output it reaches: every
 * team's namespace to its own group, every other namespace to the platform's.
 */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { CONTAINER_TAG_PREFIX, fluentBitPipeline, renderSections, type FluentBitSink, type Section } from "../../charts/logging/fluent-bit-config";
import { platformLogGroupName, teamLogGroupName } from "../../domain/log-groups";
import { PLATFORM_NAMESPACES } from "../../domain/platform-namespaces";
import { globMatches } from "../helpers/glob";

const TEAMS = ["recsys", "nlp", "vision-2"];
const cloudwatch = (teams: readonly string[]): FluentBitSink => ({
  kind: "cloudwatch",
  region: "us-east-1",
  platformGroup: platformLogGroupName("mlops-test"),
  teamGroups: Object.fromEntries(teams.map((t) => [t, teamLogGroupName("mlops-test", t)])),
});
const build = (teams: readonly string[], sink: FluentBitSink = cloudwatch(teams)) =>
  fluentBitPipeline({ teams, sink, stateDir: "/var/lib/fluent-bit", metricsPort: 2020 });

const values = (section: Section, key: string) => section.entries.filter(([k]) => k === key).map(([, v]) => v);
const value = (section: Section, key: string) => values(section, key)[0];
/** Fluent Bit's Match. */
const matches = globMatches;

/** Where a record of `namespace` ends: the outputs it reaches and the `team` it carries. */
function route(pipeline: ReturnType<typeof build>, namespace: string): { outputs: Section[]; team?: string } {
  let tag = `${CONTAINER_TAG_PREFIX}var.log.containers.pod-1_${namespace}_main-0123.log`;
  // An application's own JSON "team" field, which Merge_Log lifts into the record: the stamp must overwrite it.
  const record: Record<string, string> = { team: "spoofed" };
  for (const filter of pipeline.filters) {
    if (!matches(value(filter, "Match"), tag)) continue;
    if (value(filter, "Name") === "rewrite_tag") {
      for (const rule of values(filter, "Rule")) {
        const [key, regex, newTag, keep] = rule.split(" ");
        expect(key).toBe("$kubernetes['namespace_name']");
        expect(keep).toBe("false");
        if (new RegExp(regex).test(namespace)) {
          tag = newTag;
          break;
        }
      }
    }
    if (value(filter, "Name") === "modify") {
      expect(values(filter, "Add"), "modify adds only when the key is absent").toEqual([]);
      const [key, v] = value(filter, "Set").split(" ");
      record[key] = v;
    }
  }
  return { outputs: pipeline.outputs.filter((o) => matches(value(o, "Match"), tag)), team: record.team };
}

describe("fluentBitPipeline: routing on CloudWatch", () => {
  it("every team's namespace reaches exactly its own group, stamped with its team", () => {
    const pipeline = build(TEAMS);
    for (const team of TEAMS) {
      const { outputs, team: stamped } = route(pipeline, team);
      expect(outputs.map((o) => value(o, "log_group_name"))).toEqual([teamLogGroupName("mlops-test", team)]);
      expect(stamped).toBe(team);
    }
  });

  it("platform namespaces, kube-system and unknown namespaces reach the platform group only", () => {
    const pipeline = build(TEAMS);
    const others = [...PLATFORM_NAMESPACES, "kube-node-lease", "someone-elses", "recsys-2", "xnlp"];
    expect(others.length).toBeGreaterThan(5);
    for (const namespace of others) {
      const { outputs, team } = route(pipeline, namespace);
      expect(
        outputs.map((o) => value(o, "log_group_name")),
        namespace,
      ).toEqual([platformLogGroupName("mlops-test")]);
      expect(team).toBe("platform");
    }
  });

  it("any set of team names: each namespace reaches one output, its team's exactly when it is a team", () => {
    const name = fc.stringMatching(/^[a-z]([a-z0-9-]{0,8}[a-z0-9])?$/);
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 6 }), name, (teams, namespace) => {
        const { outputs, team } = route(build(teams), namespace);
        const expected = teams.includes(namespace) ? teamLogGroupName("mlops-test", namespace) : platformLogGroupName("mlops-test");
        expect(outputs.map((o) => value(o, "log_group_name"))).toEqual([expected]);
        expect(team).toBe(teams.includes(namespace) ? namespace : "platform");
      }),
    );
  });

  it("no teams: no rewrite_tag, everything to the platform group", () => {
    const pipeline = build([]);
    expect(pipeline.filters.map((f) => value(f, "Name"))).toEqual(["kubernetes", "modify"]);
    expect(pipeline.outputs).toHaveLength(1);
  });

  it("outputs never create groups (Pulumi owns them) and write one stream per container", () => {
    const outputs = build(TEAMS).outputs;
    expect(outputs).toHaveLength(TEAMS.length + 1);
    for (const o of outputs) {
      expect(value(o, "Name")).toBe("cloudwatch_logs");
      expect(value(o, "auto_create_group")).toBe("false");
      expect(value(o, "region")).toBe("us-east-1");
      expect(value(o, "log_stream_template")).toBe("$kubernetes['namespace_name'].$kubernetes['pod_name'].$kubernetes['container_name']");
    }
  });

  it("refuses a team without a group rather than dropping its logs", () => {
    expect(() => build(["recsys", "nlp"], cloudwatch(["recsys"]))).toThrow("no log group for team nlp");
  });
});

describe("fluentBitPipeline: inputs and filters", () => {
  it("tails the container logs with offsets in the state directory, and pods cannot opt out or choose parsers", () => {
    const [tail] = build(TEAMS).inputs;
    expect(value(tail, "Path")).toBe("/var/log/containers/*.log");
    expect(value(tail, "DB")).toBe("/var/lib/fluent-bit/tail-containers.db");
    const kubernetes = build(TEAMS).filters[0];
    expect(value(kubernetes, "K8S-Logging.Exclude")).toBe("Off");
    expect(value(kubernetes, "K8S-Logging.Parser")).toBe("Off");
    expect(value(kubernetes, "Kube_Tag_Prefix")).toBe("kube.var.log.containers.");
  });
});

describe("fluentBitPipeline: a site's destination", () => {
  const site = (destination: any) => build(TEAMS, { kind: "site", destination }).outputs;

  it("one output takes every record, team and platform alike", () => {
    const outputs = site({ kind: "forward", host: "agg.example", port: 24224, tls: true });
    expect(outputs).toHaveLength(1);
    expect(value(outputs[0], "Match")).toBe("*");
    expect(outputs[0].entries).toEqual(
      expect.arrayContaining([
        ["Name", "forward"],
        ["Host", "agg.example"],
        ["Port", "24224"],
        ["tls", "On"],
        ["tls.verify", "On"],
      ]),
    );
  });

  it("Loki: the tenant, and labels bounded to job, namespace and team", () => {
    const [loki] = site({ kind: "loki", host: "loki.example", port: 443, tls: true, tenant: "mlops" });
    expect(value(loki, "Name")).toBe("loki");
    expect(value(loki, "tenant_id")).toBe("mlops");
    expect(value(loki, "labels")).toBe("job=fluent-bit, $kubernetes['namespace_name']");
    expect(value(loki, "label_keys")).toBe("$team");
    const [plain] = site({ kind: "loki", host: "loki.svc", port: 3100, tls: false });
    expect(value(plain, "tenant_id")).toBeUndefined();
    expect(value(plain, "tls")).toBe("Off");
    expect(value(plain, "tls.verify")).toBeUndefined();
  });

  it("OpenSearch: the index, without mapping types", () => {
    const [os] = site({ kind: "opensearch", host: "search.example", port: 443, tls: true, index: "mlops-logs" });
    expect([value(os, "Name"), value(os, "Index"), value(os, "Suppress_Type_Name")]).toEqual(["opensearch", "mlops-logs", "On"]);
  });
});

describe("renderSections", () => {
  it("writes classic-mode sections, keys padded to one column, repeated keys kept in order", () => {
    const text = renderSections([
      {
        name: "FILTER",
        entries: [
          ["Name", "rewrite_tag"],
          ["Rule", "a"],
          ["Rule", "b"],
        ],
      },
    ]);
    expect(text).toBe("[FILTER]\n    Name rewrite_tag\n    Rule a\n    Rule b\n");
  });

  it("the chart passes the text through Helm's tpl: nothing of ours may look like a template", () => {
    const p = build(TEAMS);
    const text = [p.service, p.inputs, p.filters, p.outputs].map(renderSections).join("");
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain("{{");
  });
});
