import { asArray, parseDocument, resourcePolicy } from "../lib/define";

type Statement = {
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: unknown;
};

/** The problems of one policy document: wildcard actions on all resources, iam:*, kms:Decrypt on *. */
export function wildcardProblems(doc: { Statement?: Statement[] | Statement }): string[] {
  const out: string[] = [];
  for (const st of asArray(doc.Statement)) {
    if (st.Effect !== "Allow") continue;
    // IAM action names are case-insensitive.
    const actions = asArray(st.Action).map((a) => a.toLowerCase());
    const onAll = asArray(st.Resource).includes("*");
    if (st.NotAction !== undefined && onAll) out.push(`allows every action except ${asArray(st.NotAction).join(", ")} on every resource (NotAction)`);
    for (const a of actions) {
      if (a === "*" || (onAll && /^[a-z0-9-]+:\*$/.test(a))) out.push(`allows ${a} on ${onAll ? "every resource" : "its resources"}`);
      else if (a === "iam:*") out.push("allows iam:*");
      else if (onAll && (a === "kms:decrypt" || a === "kms:*") && !st.Condition) out.push(`allows ${a} on every key without a condition`);
    }
  }
  return out;
}

export const iamLeastPrivilege = resourcePolicy(
  {
    name: "iam-least-privilege",
    description: "No IAM policy grants * or service:* on all resources, iam:*, or kms:Decrypt on every key.",
    severity: "critical",
    controls: ["IAM-02"],
  },
  ["aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy"],
  (props, _args, report) => {
    const doc = parseDocument(props.policy);
    if (!doc) return; // computed in the same run: judged at deploy-time preview
    for (const p of wildcardProblems(doc)) report(p);
  },
);
