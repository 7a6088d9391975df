/**
 * The mlops-platform CrossGuard pack. Only construction lives here (PolicyPack has side effects); policies
 * are in all.ts and one file each. Run: pulumi preview --policy-pack policies [--policy-pack-config policies/config/<env>.json]
 */
import { PolicyPack } from "@pulumi/policy";
import { ALL_POLICIES } from "./all";

new PolicyPack("mlops-platform", { policies: ALL_POLICIES });
