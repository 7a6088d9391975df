/**
 * The inline-volume rule: a team's shared file systems reach its pods only through the PersistentVolumes the
 * platform pre-binds to its claims (charts/team-volumes.ts), each confined to the team's own EFS access point or
 * scratch directory. An inline `csi` volume names a driver and a file system directly (an EFS id, an FSx mount
 * name), past those bounds; restricted Pod Security allows it, so this rule refuses it in team namespaces.
 * Generic ephemeral volumes stay allowed: their claim could name an existing volume (volumeName), but every volume
 * of a shared file system is pre-bound to one claim (claimRef), which the team-volumes policy requires.
 */
import { POD_SPEC_CHANGED, POD_VARIABLES, POD_AND_WORKLOAD_WRITES } from "./pod-templates";
import { TEAM_NAMESPACES, type GuardrailRule } from "./rule";
const INLINE = "variables.podSpec.?volumes.orValue([]).filter(v, has(v.csi))";

export function inlineVolumesRule(): GuardrailRule {
  return {
    name: "team-inline-volumes",
    owner: "platform-security",
    reason:
      "An inline CSI volume mounts a file system by its id, past the team's own access point or scratch directory, so one team could read another's files on a shared tier.",
    controls: ["FS-05"],
    spec: {
      failurePolicy: "Fail",
      matchConstraints: {
        namespaceSelector: TEAM_NAMESPACES,
        resourceRules: POD_AND_WORKLOAD_WRITES,
      },
      matchConditions: [POD_SPEC_CHANGED],
      variables: [...POD_VARIABLES],
      validations: [
        {
          expression: `${INLINE}.size() == 0`,
          messageExpression:
            `'inline CSI volumes are not allowed in team namespaces (they mount a shared file system past the team\\'s own directory): ' + ` +
            `${INLINE}.map(v, v.name + ' (' + v.csi.driver + ')').join(', ') + ` +
            `'; mount the team\\'s claims (shared-files, scratch) or a PersistentVolumeClaim of a storage class instead'`,
          reason: "Forbidden",
        },
      ],
    },
  };
}
