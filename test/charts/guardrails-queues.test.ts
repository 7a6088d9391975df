/**
 * The queue rule (mlops-gpu-queues) as generated: what it matches, what it reads, which checks an update re-runs
 * and what its messages say. No CEL evaluator runs here: the API server compiles, type-checks and runs the rule
 * in test/cluster/guardrails-queues.test.ts (queues fixture) and test/cluster/guardrails.test.ts.
 */
import { describe, expect, it } from "vitest";
import { guardrailRules } from "../../charts/guardrails";
import { JOB_CONTROLLER_USERS, queueRule } from "../../charts/guardrails/queues";
import { teamGpuPools } from "../../components/teams";
import type { TeamConfig } from "../../config/teams";
import {
  NAMESPACE_GPU_POOLS_ANNOTATION,
  NAMESPACE_PRIORITIES_ANNOTATION,
  NAMESPACE_QUEUE_LABEL,
  POOL_LABEL,
  PRIORITY_CLASS_LABEL,
  QUEUE_NAME_LABEL,
} from "../../domain/queues";

const rule = queueRule(["gpu-a", "gpu-b"]);
const [needsQueue, ownQueue, priority, pool] = rule.spec.validations;
const variable = (name: string) => rule.spec.variables?.find((v) => v.name === name)?.expression ?? "";

/** Parentheses and brackets balance outside single-quoted CEL strings, and every string closes. */
function balanced(cel: string): boolean {
  const open: string[] = [];
  const pairs: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
  for (let i = 0, quoted = false; i < cel.length; i++) {
    const ch = cel[i];
    if (quoted) {
      if (ch === "\\") i++;
      else if (ch === "'") quoted = false;
    } else if (ch === "'") quoted = true;
    else if ("([{".includes(ch)) open.push(ch);
    else if (ch in pairs && open.pop() !== pairs[ch]) return false;
    if (i === cel.length - 1 && quoted) return false;
  }
  return open.length === 0;
}

describe("the queue rule", () => {
  it("is one of the guardrails, owned by platform operations, for NS-07, failing closed", () => {
    const registered = guardrailRules({ gpuPools: ["gpu-a"] }).find((r) => r.name === "gpu-queues");
    expect(registered?.owner).toBe("platform-operations");
    expect(registered?.controls).toEqual(["NS-07"]);
    expect(registered?.spec.failurePolicy).toBe("Fail");
    expect(registered?.spec.validations[3].expression).toContain("['gpu-a']");
  });

  it("matches the namespaces Kueue serves: those with a queue label, whatever its value", () => {
    expect(rule.spec.matchConstraints.namespaceSelector).toEqual({ matchExpressions: [{ key: NAMESPACE_QUEUE_LABEL, operator: "Exists" }] });
  });

  it("judges pods, Jobs, CronJobs, Deployments, StatefulSets and ReplicaSets as they are made and changed", () => {
    const matched = rule.spec.matchConstraints.resourceRules.flatMap((r) => r.resources.map((res) => `${r.apiGroups[0]}/${res} ${r.operations.join(",")}`));
    expect(matched.sort()).toEqual(
      ["/pods", "apps/deployments", "apps/replicasets", "apps/statefulsets", "batch/cronjobs", "batch/jobs"].map((r) => `${r} CREATE,UPDATE`),
    );
  });

  it("every expression is well formed (balanced brackets, closed strings)", () => {
    const spec = rule.spec;
    const all = [
      ...(spec.matchConditions ?? []).map((c) => c.expression),
      ...(spec.variables ?? []).map((v) => v.expression),
      ...spec.validations.flatMap((v) => [v.expression, v.messageExpression ?? "''"]),
    ];
    for (const cel of all) expect(balanced(cel), cel).toBe(true);
    expect(balanced("a(b'(')")).toBe(true);
    expect(balanced("a(b')'")).toBe(false);
    expect(balanced("a('x'")).toBe(false);
  });

  it("counts whole GPUs, time slices and MIG instances, in containers and init containers", () => {
    expect(variable("gpu")).toContain("'nvidia.com/gpu'");
    expect(variable("gpu")).toContain("startsWith('nvidia.com/mig-')");
    expect(variable("gpu")).toContain("?resources.?requests");
    expect(variable("gpu")).toContain("?resources.?limits");
    expect(variable("containers")).toContain("?initContainers");
  });

  it("reads the queue labels where Kueue does: a Pod's or Job's own, a CronJob's Job template, other workloads' pod template", () => {
    const labels = variable("labels");
    expect(labels).toContain("object.kind == 'Pod' || object.kind == 'Job' ? object.metadata.?labels");
    expect(labels).toContain(
      "object.spec.jobTemplate.?metadata.?labels.orValue({}).size() > 0 ? object.spec.jobTemplate.metadata.labels : object.spec.jobTemplate.spec.template.?metadata.?labels",
    );
    expect(labels).toContain("object.spec.template.?metadata.?labels");
    expect(variable("queue")).toContain(`'${QUEUE_NAME_LABEL}'`);
    expect(variable("priority")).toContain(`'${PRIORITY_CLASS_LABEL}'`);
    expect(variable("pool")).toContain(`?nodeSelector.orValue({})[?'${POOL_LABEL}']`);
  });

  it("reads what the namespace is entitled to from its label and annotations", () => {
    expect(variable("nsQueue")).toContain(`labels[?'${NAMESPACE_QUEUE_LABEL}']`);
    expect(variable("nsPools")).toContain(`annotations[?'${NAMESPACE_GPU_POOLS_ANNOTATION}']`);
    expect(variable("nsPriorities")).toContain(`annotations[?'${NAMESPACE_PRIORITIES_ANNOTATION}']`);
  });

  it("leaves the job controller's pods of a Job to the Job's judgment, and no other pods", () => {
    const exempt = rule.spec.matchConditions?.find((c) => c.name === "not-a-job-controllers-pod")?.expression ?? "";
    for (const user of JOB_CONTROLLER_USERS) expect(exempt).toContain(`'${user}'`);
    expect(exempt).toContain("object.kind == 'Pod'");
    expect(exempt).toContain("r.kind == 'Job' && r.?controller.orValue(false)");
  });

  it("re-judges an update only when the pod spec or the queue labels changed, and then only the checks whose inputs did", () => {
    const changed = rule.spec.matchConditions?.find((c) => c.name === "pod-spec-or-queue-labels-created-or-changed")?.expression ?? "";
    expect(changed).toMatch(/^request.operation == 'CREATE' \|\| \(!has\(object.metadata.deletionTimestamp\) && /);
    expect(needsQueue.expression).toContain("variables.gpu != variables.oldGpu || variables.queue != variables.oldQueue");
    expect(ownQueue.expression).toMatch(/variables.queue != variables.oldQueue\)$/);
    expect(priority.expression).toMatch(/variables.priority != variables.oldPriority\)$/);
    // Kueue setting the admitted pool's nodeSelector re-runs the pool check only, which an entitled pool passes.
    expect(pool.expression).toMatch(/variables.pool != variables.oldPool\)$/);
    expect(variable("oldLabels")).toContain("oldObject.kind");
  });

  it("writes the stack's GPU pools into the pool check; without pools no nodeSelector is judged", () => {
    expect(pool.expression).toContain("!(variables.pool in ['gpu-a', 'gpu-b'])");
    expect(queueRule([]).spec.validations[3].expression).toContain("!(variables.pool in [])");
  });

  it("says which label to add, with the namespace's queue, and where", () => {
    expect(needsQueue.messageExpression).toContain(`add the label ${QUEUE_NAME_LABEL}: ' + variables.nsQueue + ' to ' + variables.where`);
    expect(needsQueue.messageExpression).toContain("variables.gpuContainers.join(', ')");
    const where = variable("where");
    expect(where).toContain("'spec.jobTemplate.metadata.labels'");
    expect(where).toContain("object.kind in ['Pod', 'Job'] ? 'metadata.labels'");
    expect(where).toContain("'spec.template.metadata.labels (Kueue reads the labels of the pods themselves)'");
    expect(ownQueue.messageExpression).toContain(`set ${QUEUE_NAME_LABEL}: ' + variables.nsQueue`);
  });

  it("lists what the namespace may use when it refuses a priority class or a pool", () => {
    expect(priority.messageExpression).toContain("'name one of ' + variables.nsPriorities.join(', ')");
    expect(priority.messageExpression).toContain("'it may name none'");
    expect(pool.messageExpression).toContain("'use ' + variables.nsPools.join(', ')");
    expect(pool.messageExpression).toContain("'it may use no GPU pool'");
    for (const validation of rule.spec.validations) expect(validation.reason).toBe("Forbidden");
  });
});

describe("teamGpuPools (the Teams component's default for the stack's GPU pools)", () => {
  const team = (name: string, pools: string[]) => ({ name, quota: { gpu: pools.map((pool) => ({ pool, nominal: 1 })) } }) as unknown as TeamConfig;

  it("is every pool some team's quota names, once each, in order", () => {
    expect(teamGpuPools([team("vision", ["gpu-a"]), team("speech", ["gpu-a", "gpu-b"]), team("nlp", [])])).toEqual(["gpu-a", "gpu-b"]);
    expect(teamGpuPools([])).toEqual([]);
  });
});
