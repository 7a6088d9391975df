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
    for (const st of trust?.Statement ?? []) {
      const principal = st.Principal;
      if (principal === "*" || asArray(principal?.AWS).includes("*")) report("the trust policy allows any principal");
    }
    const team = props.tags?.team;
    const podIdentity = (trust?.Statement ?? []).some((st) => asArray(st.Principal?.Service).includes("pods.eks.amazonaws.com"));
    if (team && team !== "platform" && podIdentity) {
      const cond = (trust?.Statement ?? []).map((st) => st.Condition?.StringEquals ?? {});
      if (!cond.some((c) => c["aws:RequestTag/kubernetes-namespace"] === team && c["aws:RequestTag/kubernetes-service-account"])) {
        report(`team role for ${team} must pin aws:RequestTag/kubernetes-namespace=${team} and the service account`);
      }
      if (!props.permissionsBoundary) report(`team role for ${team} must carry a permissions boundary`);
    }
  },
);
