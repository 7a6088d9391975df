/**
 * The route tree below Alertmanager's root, and a table of example alerts with the receivers they must reach (what
 * the amtool route tests and the alerting runbook check). The root route's receiver is the platform's.
 *
 * Order matters: Alertmanager takes the first matching route unless it says `continue`.
 *  1. The chart's Watchdog (always firing) and InfoInhibitor (an inhibition helper) go nowhere.
 *  2. An alert labelled team=<name> goes to the team's receiver (the platform's when the team names none), and only
 *     there: a team's alert is about its workloads, quota or models, which the team acts on; paging the platform
 *     on-call for it would teach people to ignore pages.
 *  3. Any other critical alert pages the platform's critical receiver and (continue) also reaches the platform's
 *     receiver, so the channel has the record of every page.
 *  4. The rest falls through to the root: the platform's receiver.
 */
import { NULL_RECEIVER, type AlertingConfig } from "../../config/alerting";
import type { AlertmanagerInputs, AlertmanagerRoute } from "./alertmanager-types";

export const WATCHDOG_ROUTE: AlertmanagerRoute = { receiver: NULL_RECEIVER, matchers: ['alertname="Watchdog"'] };
export const INFO_INHIBITOR_ROUTE: AlertmanagerRoute = { receiver: NULL_RECEIVER, matchers: ['alertname="InfoInhibitor"'] };

/** The matcher of a team's route: the label the platform's team alerts carry. */
export const teamMatcher = (team: string): string => `team="${team}"`;
/** The matcher of a team's namespace route: alerts of the chart's rules about objects in the team's namespace. */
export const teamNamespaceMatcher = (team: string): string => `namespace="${team}"`;

export function receiverRoutes(alerting: AlertingConfig | undefined, teams: AlertmanagerInputs["teams"]): AlertmanagerRoute[] {
  if (alerting === undefined) return [WATCHDOG_ROUTE, INFO_INHIBITOR_ROUTE];
  const platform = alerting.platform.receiver;
  const critical = alerting.platform.critical;
  // A team's namespace bears its name (charts/team): the chart's own rules (a claim filling up, a pod crash-looping)
  // carry no team label, and about a team's objects they are the team's to act on too.
  const teamRoutes = teams.flatMap((t) => {
    const receiver = t.alerts?.receiver ?? platform;
    return [
      { receiver, matchers: [teamMatcher(t.name)] },
      { receiver, matchers: [teamNamespaceMatcher(t.name)] },
    ];
  });
  const pager =
    critical === undefined || critical === platform
      ? []
      : [
          { receiver: critical, matchers: ['severity="critical"'], continue: true },
          { receiver: platform, matchers: ['severity="critical"'] },
        ];
  return [WATCHDOG_ROUTE, INFO_INHIBITOR_ROUTE, ...teamRoutes, ...pager];
}

/** An example alert (its labels) and every receiver it must reach, in order. */
export interface RouteExample {
  readonly labels: Readonly<Record<string, string>>;
  readonly receivers: readonly string[];
}

/** Examples covering every route of the tree `inputs` generates: one per team, the platform's, and the pager's. */
export function routeExamples(inputs: AlertmanagerInputs): RouteExample[] {
  const alerting = inputs.alerting;
  const platform = alerting?.platform.receiver ?? NULL_RECEIVER;
  const critical = alerting?.platform.critical;
  const pager = critical === undefined || critical === platform ? [platform] : [critical, platform];
  return [
    { labels: { alertname: "Watchdog", severity: "none" }, receivers: [NULL_RECEIVER] },
    { labels: { alertname: "InfoInhibitor", severity: "none", namespace: "kube-system" }, receivers: [NULL_RECEIVER] },
    { labels: { alertname: "ScrapeTargetDown", severity: "warning", namespace: "monitoring" }, receivers: [platform] },
    { labels: { alertname: "NodeNotReady", severity: "critical", node: "ip-10-0-1-1.ec2.internal" }, receivers: alerting ? pager : [NULL_RECEIVER] },
    ...inputs.teams.flatMap((t) => {
      const receiver = alerting ? (t.alerts?.receiver ?? platform) : NULL_RECEIVER;
      return [
        { labels: { alertname: "TeamQuotaNearlyExhausted", severity: "warning", namespace: t.name, team: t.name }, receivers: [receiver] },
        // A team's critical alert stays the team's: it never pages the platform.
        { labels: { alertname: "TeamCriticalExample", severity: "critical", namespace: t.name, team: t.name }, receivers: [receiver] },
        // The chart's own rule about a claim in the team's namespace carries no team: the namespace routes it.
        { labels: { alertname: "KubePersistentVolumeFillingUp", severity: "critical", namespace: t.name }, receivers: [receiver] },
      ];
    }),
  ];
}
