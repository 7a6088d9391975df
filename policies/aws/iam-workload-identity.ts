import { asArray, parseDocument, resourcePolicy } from "../lib/define";

export const iamWorkloadIdentity = resourcePolicy(
  {
    name: "iam-workload-identity",
    description: "Roles trust no wildcard principal; Pod Identity roles of team workloads pin namespace and service account and carry a permissions boundary.",
    severity: "high",
    controls: ["IAM-01", "IAM-02"],
  },
  ["aws:iam/role:Role"],
  (props, _args, report) => {
    const trust = parseDocument(props.assumeRolePolicy);
    const statements: any[] = asArray(trust?.Statement);
    for (const st of statements) {
      const principal = st.Principal;
      if (principal === "*" || asArray(principal?.AWS).includes("*")) report("the trust policy allows any principal");
    }
    const team = props.tags?.team;
    const podStatements = statements.filter((st) => st.Effect === "Allow" && asArray(st.Principal?.Service).includes("pods.eks.amazonaws.com"));
    if (team && team !== "platform" && podStatements.length > 0) {
      // Every statement trusting Pod Identity must pin the team's namespace: one open statement opens the role.
      const pinned = (st: any) => {
        const c = st.Condition?.StringEquals ?? {};
        return c["aws:RequestTag/kubernetes-namespace"] === team && Boolean(c["aws:RequestTag/kubernetes-service-account"]);
      };
      if (!podStatements.every(pinned)) report(`team role for ${team} must pin aws:RequestTag/kubernetes-namespace=${team} and the service account`);
      if (!props.permissionsBoundary) report(`team role for ${team} must carry a permissions boundary`);
    }
  },
);
