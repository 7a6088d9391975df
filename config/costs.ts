/**
 * The `costs` section: who sees what the platform costs. OpenCost allocation in the cluster (priced from AWS on EKS,
 * from a price table of the stack's own on an existing cluster), monthly budgets per cost center, the AWS cost
 * allocation tags and the optional CUR 2.0 data export. Schema, defaults and the rules that need other sections.
 */
import { z } from "zod";
import { labelValue } from "./primitives";
import type { Problem } from "./problems";

/** Who carries idle capacity: node cost paid for that no pod requested. */
export const IDLE_COST_OWNERS = ["platform", "quota-share"] as const;
export type IdleCostOwner = (typeof IDLE_COST_OWNERS)[number];

const price = z.number().positive({ message: "must be a price above 0 (US dollars)" });

/** An existing cluster's own prices in US dollars (on-prem capacity has a price too: depreciation, power, space). */
export const customPricesSchema = z.strictObject({
  /** Dollars per CPU core per hour. */
  cpuCoreHour: price,
  /** Dollars per GiB of memory per hour. */
  memoryGiBHour: price,
  /** Dollars per whole GPU per hour. */
  gpuHour: price,
  /** Dollars per GiB of persistent volume per month. */
  storageGiBMonth: price,
});

const email = z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: "is not an email address" });
const snsTopicArn = z.string().regex(/^arn:aws(-[a-z]+)*:sns:[a-z]{2}(-gov)?-[a-z]+-\d+:\d{12}:[\w-]{1,256}$/, { message: "is not an SNS topic ARN" });

export const budgetAlertSchema = z.strictObject({
  /** Percent of the monthly amount at which AWS Budgets notifies (above 100 warns of an overrun). */
  percent: z.number().int().min(1).max(1000),
  /** `actual`: spend so far this month; `forecasted`: AWS's forecast for the month. */
  on: z.enum(["actual", "forecasted"]),
});

export const budgetSchema = z.strictObject({
  /** The cost center, as teams and the stack write it (`costCenter`). */
  costCenter: labelValue.pipe(z.string().min(1)),
  /** The monthly budget in US dollars. */
  monthlyUsd: z.number().positive({ message: "must be an amount above 0 (US dollars)" }),
  /** When to notify. @default 80 % of actual spend and 100 % of the forecast */
  alerts: z.array(budgetAlertSchema).min(1).max(5, { message: "has more than the 5 notifications AWS Budgets allows per budget" }).optional(),
  /** Who is told (EKS only): email addresses and SNS topics (the topic's policy must let budgets.amazonaws.com publish). */
  notify: z
    .strictObject({
      emails: z.array(email).max(10, { message: "has more than the 10 email subscribers AWS Budgets allows" }).optional(),
      snsTopicArns: z.array(snsTopicArn).max(1, { message: "has more than the one SNS subscriber AWS Budgets allows per notification" }).optional(),
    })
    .optional(),
});

export const costsSchema = z.strictObject({
  /** OpenCost in the cluster, reading the platform's Prometheus. */
  allocation: z
    .strictObject({
      /** @default true on EKS; on an existing cluster, true when `prices` are given */
      enabled: z.boolean().optional(),
      /** Who carries idle capacity: `platform` books it to the platform; `quota-share` splits it across teams by their quota. @default platform */
      idle: z.enum(IDLE_COST_OWNERS).optional(),
      /** Prices of an existing cluster's capacity; required there, refused on EKS (priced from AWS's public price list). */
      prices: customPricesSchema.optional(),
    })
    .optional(),
  /** Monthly budgets per cost center: AWS Budgets on EKS; everywhere the team report and the advisory policy compare quotas to them. @default none */
  budgets: z.array(budgetSchema).optional(),
  /** Activate `team` and `cost-center` as AWS cost allocation tags (the payer account's setting). @default true on EKS */
  allocationTags: z.boolean().optional(),
  /** The CUR 2.0 data export with split cost allocation data for EKS, into a bucket of the stack's own. @default false */
  dataExport: z.strictObject({ enabled: z.boolean() }).optional(),
});

export type CostsInput = z.infer<typeof costsSchema>;
export type CustomPrices = z.infer<typeof customPricesSchema>;

export interface BudgetAlert {
  readonly percent: number;
  readonly on: "actual" | "forecasted";
}

export interface BudgetConfig {
  readonly costCenter: string;
  readonly monthlyUsd: number;
  readonly alerts: readonly BudgetAlert[];
  readonly emails: readonly string[];
  readonly snsTopicArns: readonly string[];
}

export interface CostsConfig {
  readonly allocation: { readonly enabled: boolean; readonly idle: IdleCostOwner; readonly prices?: CustomPrices };
  readonly budgets: readonly BudgetConfig[];
  readonly allocationTags: boolean;
  readonly dataExport: boolean;
}

export const DEFAULT_BUDGET_ALERTS: readonly BudgetAlert[] = [
  { percent: 80, on: "actual" },
  { percent: 100, on: "forecasted" },
];

export function resolveCosts(input: CostsInput | undefined, onEks: boolean): CostsConfig {
  return {
    allocation: {
      // An existing cluster has no price list to fall back on: allocation there starts with the stack's own prices.
      enabled: input?.allocation?.enabled ?? (onEks || input?.allocation?.prices !== undefined),
      idle: input?.allocation?.idle ?? "platform",
      prices: input?.allocation?.prices,
    },
    budgets: (input?.budgets ?? []).map((b) => ({
      costCenter: b.costCenter,
      monthlyUsd: b.monthlyUsd,
      alerts: b.alerts ?? DEFAULT_BUDGET_ALERTS,
      emails: b.notify?.emails ?? [],
      snsTopicArns: b.notify?.snsTopicArns ?? [],
    })),
    allocationTags: input?.allocationTags ?? onEks,
    dataExport: input?.dataExport?.enabled ?? false,
  };
}

/** What the cost rules need of the rest of the config. */
export interface CostsContext {
  readonly onEks: boolean;
  /** The stack's own cost center and every team's, where a budget may point. */
  readonly costCenters: readonly string[];
  /** False when a team's cost center failed its schema: then a budget's cost center cannot be called unknown. */
  readonly costCentersKnown: boolean;
}

/** Rules across sections: prices where no cloud prices, AWS-only parts on AWS, budgets that name a real cost center. */
export function costProblems(input: CostsInput | undefined, ctx: CostsContext): Problem[] {
  const out: Problem[] = [];
  if (ctx.onEks && input?.allocation?.prices !== undefined)
    out.push({ path: "costs.allocation.prices", message: "is for existing clusters; on EKS OpenCost prices nodes from AWS's public price list" });
  if (!ctx.onEks && input?.allocation?.enabled === true && input.allocation.prices === undefined)
    out.push({
      path: "costs.allocation.prices",
      message:
        "is required to turn cost allocation on in an existing cluster: OpenCost has no cloud price list there, so give the cluster's own prices (cpuCoreHour, memoryGiBHour, gpuHour, storageGiBMonth)",
    });
  if (!ctx.onEks) {
    if (input?.allocationTags === true)
      out.push({ path: "costs.allocationTags", message: "needs an EKS cluster (AWS): cost allocation tags are an AWS billing setting" });
    if (input?.dataExport?.enabled === true) out.push({ path: "costs.dataExport", message: "needs an EKS cluster (AWS): the CUR 2.0 export is AWS's bill" });
  }
  const seen = new Set<string>();
  (input?.budgets ?? []).forEach((b, i) => {
    const at = `costs.budgets[${i}]`;
    if (seen.has(b.costCenter)) out.push({ path: `${at}.costCenter`, message: `${b.costCenter} has a budget already: one budget per cost center` });
    seen.add(b.costCenter);
    if (ctx.costCentersKnown && !ctx.costCenters.includes(b.costCenter))
      out.push({
        path: `${at}.costCenter`,
        message: `${b.costCenter} is neither the stack's cost center nor any team's (${[...new Set(ctx.costCenters)].join(", ")}): a budget for it would never see spend`,
      });
    const targets = (b.notify?.emails ?? []).length + (b.notify?.snsTopicArns ?? []).length;
    if (ctx.onEks && targets === 0)
      out.push({ path: `${at}.notify`, message: "needs at least one email address or SNS topic: AWS Budgets tells no one otherwise" });
    if (!ctx.onEks && b.notify !== undefined)
      out.push({
        path: `${at}.notify`,
        message: "needs an EKS cluster (AWS Budgets); on an existing cluster a budget feeds only the team report and the advisory policy",
      });
    const alerts = (b.alerts ?? []).map((a) => `${a.on} ${a.percent}`);
    if (new Set(alerts).size < alerts.length) out.push({ path: `${at}.alerts`, message: "names the same threshold twice" });
  });
  return out;
}
