/** Reusable zod field types: each reports its rule in words a config author understands. */
import { z } from "zod";
import { parseCidr } from "../domain/cidr";
import { dns1123LabelProblem, labelKeyProblem, labelValueProblem } from "./names";
import { quantityProblem } from "./quantity";

/** Retention periods CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

function refined(check: (v: string) => string | undefined) {
  return z.string().superRefine((value, ctx) => {
    const problem = check(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

export const dnsLabel = (maxLength = 63) => refined((v) => dns1123LabelProblem(v, maxLength));
/** A Kubernetes quantity; written unquoted (cpu: 32) it reaches us as a number, and the fix is quotes. */
export const quantity = z
  .string({
    error: (iss) => (typeof iss.input === "number" ? `${iss.input} is written unquoted; Kubernetes quantities are text: quote it ("${iss.input}")` : undefined),
  })
  .superRefine((value, ctx) => {
    const problem = quantityProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
export const cidr = refined((v) => {
  const parsed = parseCidr(v);
  return parsed.ok ? undefined : parsed.reason;
});
export const labelKey = refined(labelKeyProblem);
export const labelValue = refined(labelValueProblem);
export const awsRegion = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d+$/, { message: "is not an AWS region name (for example eu-west-1)" });
export const iamPrincipalArn = z
  .string()
  .regex(/^arn:aws(-[a-z]+)*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/, { message: "is not an IAM role or user ARN" })
  // IAM names roles and users with at most 64 characters (the path before them is separate).
  .refine((arn) => (arn.split("/").pop() ?? "").length <= 64, { message: "names a role or user longer than the 64 characters IAM allows" });
export const retentionDays = z
  .number()
  .int()
  .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
    message: `is not a CloudWatch Logs retention period (${LOG_RETENTION_DAYS.join(", ")})`,
  });
