import * as pulumi from "@pulumi/pulumi";
import type { EksAddonName } from "../versions";
import { WORKLOAD_ADDONS, createAddons } from "./addons";

export interface WorkloadAddonsArgs {
  readonly clusterName: pulumi.Input<string>;
  readonly versions: Readonly<Record<EksAddonName, string>>;
}

/** CoreDNS and the EBS CSI driver: add-ons with pods, created once the system pool exists. */
export class WorkloadAddons extends pulumi.ComponentResource {
  constructor(name: string, args: WorkloadAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:cluster:WorkloadAddons", name, {}, opts);
    createAddons(name, { clusterName: args.clusterName, addons: WORKLOAD_ADDONS, versions: args.versions }, this);
    this.registerOutputs({});
  }
}
