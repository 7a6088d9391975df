import { resourcePolicy } from "../lib/define";

export const nodeLaunchTemplate = resourcePolicy(
  {
    name: "node-launch-template",
    description: "Node launch templates: IMDSv2 only with hop limit 1, encrypted root volumes with a KMS key, no public IPs.",
    severity: "high",
    controls: ["NODE-01", "NODE-02", "NODE-03", "NET-01"],
  },
  ["aws:ec2/launchTemplate:LaunchTemplate"],
  (props, _args, report) => {
    const md = props.metadataOptions ?? {};
    if (md.httpTokens !== "required") report('metadataOptions.httpTokens must be "required" (IMDSv2 only)');
    if (md.httpPutResponseHopLimit !== 1)
      report(`metadataOptions.httpPutResponseHopLimit must be 1 so pods cannot reach node credentials (got ${md.httpPutResponseHopLimit ?? "unset"})`);
    for (const m of props.blockDeviceMappings ?? []) {
      if (m.ebs && String(m.ebs.encrypted) !== "true") report(`block device ${m.deviceName} is not encrypted`);
      else if (m.ebs && !m.ebs.kmsKeyId) report(`block device ${m.deviceName} has no customer-managed kmsKeyId`);
    }
    for (const ni of props.networkInterfaces ?? []) {
      if (String(ni.associatePublicIpAddress) === "true") report("a network interface associates a public IP address");
    }
  },
);
