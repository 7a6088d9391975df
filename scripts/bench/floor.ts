/**
 * ts-node --swc scripts/bench/floor.ts
 * The floor under every plan: load @pulumi/pulumi, @pulumi/aws and @pulumi/kubernetes, set the plan's own mocks
 * (scripts/plan/mocks.ts) and register two resources, in a fresh process with the loader `npm run plan` uses.
 * A plan's CPU time over this one's is what the program, the checks and the output cost. Prints one JSON line:
 * this process's CPU seconds (user + system, start-up included) and peak memory.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { planMocks } from "../plan/mocks";
import { Recorder } from "../plan/recorder";

async function main(): Promise<void> {
  await pulumi.runtime.setMocks(planMocks, "mlops-platform", "floor", false);
  const recorder = new Recorder();
  recorder.attach();
  new aws.s3.Bucket("floor", {});
  new k8s.core.v1.Namespace("floor", { metadata: { name: "floor" } });
  await Recorder.settle();
  const cpu = process.cpuUsage();
  console.log(
    JSON.stringify({ cpuSeconds: (cpu.user + cpu.system) / 1e6, peakMB: process.resourceUsage().maxRSS / 1024, resources: recorder.resources.length }),
  );
}

if (require.main === module)
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
