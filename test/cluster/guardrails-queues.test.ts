/**
 * The queue rule (mlops-gpu-queues) on a real API server, with the namespaces, team roles and guardrail policies
 * the queues fixture plans (test/cluster/stacks/Pulumi.queues.yaml: GPU pools gpu-a and gpu-b; vision may use
 * gpu-a and the priority classes production and experiments). Nothing of Kueue is applied and Kueue does not run:
 * server-side dry runs go through every validating admission policy, which is all this file asks about.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refusal, type KubeObjectRef } from "../../scripts/cluster/kube-client";
import type { KubeObject } from "../../scripts/plan/extract";
import { guardrailPolicyName } from "../../charts/guardrails";
import { adminClient, applyOrder, eventually, writtenPlan } from "./planned";
import { container, deployment, expectAdmitted, expectRefused, expectTypeCheckedDeny, member, object } from "./fixtures";

const admin = adminClient();
// The queues fixture has an access section: its RoleBindings name the IdP groups with the default prefix.
const editor = member(admin, "vision", "edit", "oidc:");
const POLICY = guardrailPolicyName("gpu-queues");
/** This file's own field manager: the isolation fixture applies the same namespaces and policies with its own. */
const FIELD_MANAGER = "mlops-guardrails-queues-test";
const TEAMS = ["vision", "speech"];
const QUEUE = "kueue.x-k8s.io/queue-name";
const PRIORITY = "kueue.x-k8s.io/priority-class";
const POOL = "mlops.platform/pool";
const PRIORITIES = "mlops.platform/queue-priorities";

type Labels = Record<string, string>;
const gpu = (resource = "nvidia.com/gpu") => container("train", { resources: { limits: { [resource]: "1" } } });

/** A Job in vision; its pod asks for one GPU unless told otherwise. */
function job(name: string, opts: { labels?: Labels; templateLabels?: Labels; nodeSelector?: Labels; cpuOnly?: boolean; suspend?: boolean } = {}) {
  return object("batch/v1", "Job", "vision", name, {
    metadata: { name, namespace: "vision", labels: opts.labels ?? {} },
    spec: {
      suspend: opts.suspend ?? false,
      template: {
        metadata: { labels: opts.templateLabels ?? {} },
        spec: { restartPolicy: "Never", containers: [opts.cpuOnly ? container("train") : gpu()], nodeSelector: opts.nodeSelector },
      },
    },
  });
}

const queued = (extra: Labels = {}): Labels => ({ [QUEUE]: "vision", ...extra });

/** The namespaces, the teams' roles (the impersonated members need them) and the guardrail policies of the plan. */
function fixtureObjects(objects: readonly KubeObject[]): KubeObject[] {
  const meta = (o: KubeObject) => (o as KubeObjectRef).metadata ?? {};
  return objects.filter(
    (o) =>
      (o.kind === "Namespace" && TEAMS.includes(meta(o).name ?? "")) ||
      (["Role", "RoleBinding"].includes(o.kind) && TEAMS.includes(meta(o).namespace ?? "")) ||
      o.apiVersion.startsWith("admissionregistration.k8s.io/"),
  );
}

/**
 * A policy is enforced a moment after it is stored, and the namespaces' annotations reach it through an informer:
 * probes that only this fixture's pools and vision's priorities refuse must be refused before any test runs.
 */
async function queueRuleEnforcing(): Promise<void> {
  const probes = [
    () => editor.create(job("probe"), { dryRun: true }),
    () => editor.create(job("probe", { cpuOnly: true, nodeSelector: { [POOL]: "gpu-b" } }), { dryRun: true }),
    () => editor.create(job("probe", { labels: queued({ [PRIORITY]: "training" }) }), { dryRun: true }),
  ];
  const enforcing = await eventually(async () => ((await Promise.all(probes.map((probe) => probe()))).every((r) => r.status === 403) ? true : undefined), 60);
  if (!enforcing) throw new Error(`${POLICY} was not enforced with the queues fixture's pools and priorities within 60 s of being applied`);
}

beforeAll(async () => {
  for (const o of fixtureObjects((await writtenPlan("queues")).objects).sort(applyOrder)) {
    const applied = await admin.apply(o, FIELD_MANAGER);
    if (applied.status >= 300) throw new Error(`${o.kind} ${(o as KubeObjectRef).metadata?.name}: ${refusal(applied)}`);
  }
  await queueRuleEnforcing();
});
afterAll(async () => {
  // The Kueue suite submits, as its control, work this fixture's rule refuses (a vision Job on pool gpu-b): leave no
  // rule behind. The files that need the guardrails apply their own.
  for (const kind of ["validatingadmissionpolicybindings", "validatingadmissionpolicies"]) {
    await admin.request("DELETE", `/apis/admissionregistration.k8s.io/v1/${kind}/${POLICY}`);
  }
  admin.close();
});

describe("the rule on the server", () => {
  it("type-checks cleanly against every kind it matches and is bound to Deny", async () => {
    await expectTypeCheckedDeny(admin, POLICY);
  });
});

describe("GPU work names the namespace's queue, where Kueue reads it", () => {
  it("refuses a GPU Job without the queue label, saying which label to add and where; admits it labelled", async () => {
    expectRefused(
      await editor.create(job("train"), { dryRun: true }),
      "Job train requests GPUs (train) but names no queue: GPU work in namespace vision goes through its Kueue queue; add the label kueue.x-k8s.io/queue-name: vision to metadata.labels",
    );
    expectAdmitted(await editor.create(job("train", { labels: queued() }), { dryRun: true }));
  });

  it("counts MIG instances and init containers as GPU work too", async () => {
    const mig = job("mig");
    (mig.spec as { template: { spec: { containers: object[] } } }).template.spec.containers = [gpu("nvidia.com/mig-1g.10gb")];
    expectRefused(await editor.create(mig, { dryRun: true }), /Job mig requests GPUs \(train\) but names no queue/);
    const init = job("init", { cpuOnly: true });
    Object.assign((init.spec as { template: { spec: object } }).template.spec, { initContainers: [{ ...gpu(), name: "warm" }] });
    expectRefused(await editor.create(init, { dryRun: true }), /Job init requests GPUs \(warm\) but names no queue/);
  });

  it("refuses a GPU Job with labels of its own but the queue label only on its pod template: Kueue reads the Job's", async () => {
    const onTemplate = job("train", { labels: { app: "train" }, templateLabels: queued() });
    expectRefused(await editor.create(onTemplate, { dryRun: true }), /Job train requests GPUs \(train\) but names no queue.* to metadata.labels$/);
    // A Job without labels of its own takes its template's (the Job API's defaulting), the queue label with them.
    expectAdmitted(await editor.create(job("train", { templateLabels: queued() }), { dryRun: true }));
  });

  it("refuses a GPU CronJob without the label on its Job template, even with it on the CronJob itself", async () => {
    const cronJob = (labels: Labels, jobLabels: Labels, podLabels: Labels = {}) =>
      object("batch/v1", "CronJob", "vision", "nightly", {
        metadata: { name: "nightly", namespace: "vision", labels },
        spec: {
          schedule: "0 2 * * *",
          jobTemplate: {
            metadata: { labels: jobLabels },
            spec: { template: { metadata: { labels: podLabels }, spec: { restartPolicy: "Never", containers: [gpu()] } } },
          },
        },
      });
    const message =
      "CronJob nightly requests GPUs (train) but names no queue: GPU work in namespace vision goes through its Kueue queue; add the label kueue.x-k8s.io/queue-name: vision to spec.jobTemplate.metadata.labels";
    expectRefused(await editor.create(cronJob({}, {}), { dryRun: true }), message);
    expectRefused(await editor.create(cronJob(queued(), {}), { dryRun: true }), message);
    expectAdmitted(await editor.create(cronJob({}, queued()), { dryRun: true }));
    // Its Jobs take the pod template's labels when the Job template has none, as a Job does.
    expectAdmitted(await editor.create(cronJob({}, {}, queued()), { dryRun: true }));
    expectRefused(await editor.create(cronJob({}, { app: "nightly" }, queued()), { dryRun: true }), message);
  });

  it("refuses a GPU Deployment labelled on the Deployment but not its pod template: Kueue reads the pods' own labels", async () => {
    const onDeployment = deployment("vision", "serve", { containers: [gpu()] });
    Object.assign(onDeployment.metadata ?? {}, { labels: queued() });
    expectRefused(
      await editor.create(onDeployment, { dryRun: true }),
      "Deployment serve requests GPUs (train) but names no queue: GPU work in namespace vision goes through its Kueue queue; add the label kueue.x-k8s.io/queue-name: vision to spec.template.metadata.labels (Kueue reads the labels of the pods themselves)",
    );
    expectAdmitted(await editor.create(deployment("vision", "serve", { containers: [gpu()] }, queued()), { dryRun: true }));
  });

  it("refuses another namespace's queue, GPU work or not", async () => {
    const message =
      "Job train: kueue.x-k8s.io/queue-name is speech, but work in namespace vision goes to its own queue only: set kueue.x-k8s.io/queue-name: vision in metadata.labels";
    expectRefused(await editor.create(job("train", { labels: { [QUEUE]: "speech" } }), { dryRun: true }), message);
    expectRefused(await editor.create(job("train", { labels: { [QUEUE]: "speech" }, cpuOnly: true }), { dryRun: true }), message);
  });

  it("admits CPU-only work without a queue label: Kueue does not manage it", async () => {
    expectAdmitted(await editor.create(job("prep", { cpuOnly: true }), { dryRun: true }));
    expectAdmitted(await editor.create(deployment("vision", "api", { containers: [container("api")] }), { dryRun: true }));
  });

  it("does not judge namespaces Kueue does not serve", async () => {
    const elsewhere = { ...job("train"), metadata: { name: "train", namespace: "default" } };
    expectAdmitted(await admin.create(elsewhere, { dryRun: true }));
  });
});

describe("priority classes and GPU pools the namespace is entitled to", () => {
  it("refuses a priority class vision may not use, listing those it may; admits production", async () => {
    expectRefused(
      await editor.create(job("train", { labels: queued({ [PRIORITY]: "training" }) }), { dryRun: true }),
      "Job train: kueue.x-k8s.io/priority-class training is not a priority class namespace vision may use: name one of production, experiments in metadata.labels, or leave the label out",
    );
    expectAdmitted(await editor.create(job("train", { labels: queued({ [PRIORITY]: "production" }) }), { dryRun: true }));
  });

  it("refuses a nodeSelector on a GPU pool vision is not entitled to, naming the pools it is; admits gpu-a and non-GPU pools", async () => {
    expectRefused(
      await editor.create(job("train", { labels: queued(), nodeSelector: { [POOL]: "gpu-b" } }), { dryRun: true }),
      "Job train: nodeSelector mlops.platform/pool: gpu-b is a GPU pool namespace vision is not entitled to: use gpu-a, or leave the pool out and let Kueue place the work on an entitled one",
    );
    expectAdmitted(await editor.create(job("train", { labels: queued(), nodeSelector: { [POOL]: "gpu-a" } }), { dryRun: true }));
    expectAdmitted(await editor.create(job("prep", { cpuOnly: true, nodeSelector: { [POOL]: "system" } }), { dryRun: true }));
  });
});

describe("the pods of a Job", () => {
  const jobPod = (owned = true) =>
    object("v1", "Pod", "vision", "train-x7k2p", {
      metadata: {
        name: "train-x7k2p",
        namespace: "vision",
        labels: { "job-name": "train" },
        ...(owned
          ? { ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: "train", uid: "6c1d1f6e-0000-4000-8000-000000000001", controller: true }] }
          : {}),
      },
      spec: { restartPolicy: "Never", containers: [gpu()] },
    });
  const jobController = admin.as("system:serviceaccount:kube-system:job-controller", [
    "system:serviceaccounts",
    "system:serviceaccounts:kube-system",
    "system:authenticated",
  ]);

  it("are admitted without the label from the job controller (Kueue queued their Job), and refused from a team member", async () => {
    expectAdmitted(await jobController.create(jobPod(), { dryRun: true }));
    expectRefused(await editor.create(jobPod(), { dryRun: true }), /Pod train-x7k2p requests GPUs \(train\) but names no queue.* to metadata.labels$/);
  });

  it("are judged like any pod when no Job owns them, whoever creates them", async () => {
    expectRefused(await jobController.create(jobPod(false), { dryRun: true }), /Pod train-x7k2p requests GPUs \(train\) but names no queue/);
  });
});

describe("borrowed owners and pod priorities", () => {
  const jobOwner = { apiVersion: "batch/v1", kind: "Job", name: "finished", uid: "6c1d1f6e-0000-4000-8000-000000000002", controller: true };
  const podOwner = { apiVersion: "v1", kind: "Pod", name: "any", uid: "6c1d1f6e-0000-4000-8000-000000000003", controller: true };
  const owned = (owner: object, kind: "Pod" | "Job" | "ReplicaSet") => {
    const meta = { name: "sidecar-gpus", namespace: "vision", labels: queued(), ownerReferences: [owner] };
    const podSpec = { restartPolicy: kind === "ReplicaSet" ? "Always" : "Never", containers: [gpu()] };
    if (kind === "Pod") return object("v1", "Pod", "vision", meta.name, { metadata: meta, spec: podSpec });
    if (kind === "Job") return object("batch/v1", "Job", "vision", meta.name, { metadata: meta, spec: { template: { spec: podSpec } } });
    const selector = { matchLabels: { app: "gpus" } };
    return object("apps/v1", "ReplicaSet", "vision", meta.name, {
      metadata: meta,
      spec: { selector, template: { metadata: { labels: { app: "gpus", ...queued() } }, spec: podSpec } },
    });
  };

  it("refuses a team's pod, Job or ReplicaSet that names a Job or a Pod as its controller: Kueue would leave it unqueued", async () => {
    for (const kind of ["Pod", "Job", "ReplicaSet"] as const) {
      expectRefused(await editor.create(owned(jobOwner, kind), { dryRun: true }), new RegExp(`${kind} sidecar-gpus names Job finished as its controller`));
      expectRefused(await editor.create(owned(podOwner, kind), { dryRun: true }), new RegExp(`${kind} sidecar-gpus names Pod any as its controller`));
    }
    // The control: the same pod without the borrowed owner is admitted (it is queued through its label).
    const free = owned(jobOwner, "Pod") as any;
    expectAdmitted(await editor.create({ ...free, metadata: { ...free.metadata, ownerReferences: [] } }, { dryRun: true }));
  });

  it("refuses a pod priority class on queued or GPU work, and leaves it to CPU work outside the queue", async () => {
    const withPriority = (opts: { labels?: Labels; cpuOnly?: boolean }) => {
      const built = job("ranked", opts) as any;
      return { ...built, spec: { ...built.spec, template: { ...built.spec.template, spec: { ...built.spec.template.spec, priorityClassName: "high" } } } };
    };
    expectRefused(await editor.create(withPriority({ labels: queued() }), { dryRun: true }), /priorityClassName high on queued or GPU work/);
    expectRefused(await editor.create(withPriority({ labels: queued(), cpuOnly: true }), { dryRun: true }), /priorityClassName high/);
    // Admission goes on past the rule to the Priority plugin, which knows no class "high": not our refusal.
    const cpu = await editor.create(withPriority({ cpuOnly: true }), { dryRun: true });
    expect(refusal(cpu)).not.toMatch(/gpu-queues/);
  });
});

describe("updates", () => {
  it("Kueue's flavor injection and unsuspend pass, even after the namespace lost the Job's priority class; a team's move to another pool does not", async () => {
    const namespace = object("v1", "Namespace", undefined, "vision");
    const created = job("admitted", { labels: queued({ [PRIORITY]: "production" }), suspend: true });
    const productionRefused = async () =>
      (await editor.create(job("probe", { labels: queued({ [PRIORITY]: "production" }) }), { dryRun: true })).status === 403 ? true : undefined;
    try {
      expectAdmitted(await editor.create(created));
      // The team's entitlements change after the Job was made: production is no longer one of vision's classes.
      expectAdmitted(await admin.mergePatch(namespace, { metadata: { annotations: { [PRIORITIES]: "experiments" } } }));
      expect(await eventually(productionRefused)).toBe(true);
      const template = (nodeSelector: Labels) => ({ spec: { template: { spec: { nodeSelector } } } });
      expectRefused(
        await editor.mergePatch(created, template({ [POOL]: "gpu-b" })),
        /nodeSelector mlops.platform\/pool: gpu-b is a GPU pool namespace vision is not entitled to/,
      );
      // What Kueue does on admission (the rule exempts no one: the cluster admin stands in for Kueue's service account).
      const flavor = {
        spec: {
          template: {
            spec: { nodeSelector: { [POOL]: "gpu-a" }, tolerations: [{ key: "nvidia.com/gpu", operator: "Equal", value: "true", effect: "NoSchedule" }] },
          },
        },
      };
      expectAdmitted(await admin.mergePatch(created, flavor));
      expectAdmitted(await admin.mergePatch(created, { spec: { suspend: false } }));
      expectAdmitted(await editor.mergePatch(created, { metadata: { annotations: { note: "relabelled later" } } }));
    } finally {
      await admin.request("DELETE", "/apis/batch/v1/namespaces/vision/jobs/admitted?propagationPolicy=Background");
      await admin.mergePatch(namespace, { metadata: { annotations: { [PRIORITIES]: "production,experiments" } } });
      await eventually(async () => ((await productionRefused()) ? undefined : true));
    }
  });
});
