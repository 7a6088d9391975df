/**
 * The policy pack is a package of its own and imports nothing outside policies/, so it keeps copies of a few
 * facts of the program. These tests keep each copy equal to its original.
 */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { parseQuantity } from "../../config/quantity";
import { ENVIRONMENTS } from "../../domain/environments";
import { COMPUTED_PREFIX as PLAN_COMPUTED_PREFIX } from "../../scripts/plan/mocks";
import { COMPUTED_PREFIX, ENVIRONMENTS as PACK_ENVIRONMENTS } from "../../policies/lib/define";
import { quantityValue } from "../../policies/lib/quantity";
import { KUEUE_API as PACK_KUEUE_API, NAMESPACE_QUEUE_LABEL as PACK_QUEUE_LABEL } from "../../policies/lib/k8s";
import { KUEUE_API } from "../../charts/crds/kueue";
import { NAMESPACE_QUEUE_LABEL } from "../../domain/queues";
import { NLB_CLASS } from "../../charts/access/gateway";
import { IDENTITY_PROVIDER_ROUTE_LABEL } from "../../charts/access/routes";
import { INGRESS_NAMESPACE } from "../../domain/platform-namespaces";
import { IDP_ROUTE_LABEL, NLB_CLASS as PACK_NLB_CLASS } from "../../policies/lib/gateway";
import { INGRESS_NAMESPACE as PACK_INGRESS_NAMESPACE } from "../../policies/kubernetes/exposure";

const SUFFIXES = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k", "M", "G", "T", "P", "E", "e3", "E-2", "e+1", "X", "gi", "Gb"];

describe("the pack's copies", () => {
  it("quantityValue reads every quantity as config/quantity.ts does, and refuses what it refuses", () => {
    const number = fc.oneof(
      fc.nat({ max: 100000 }).map(String),
      fc.tuple(fc.nat({ max: 999 }), fc.nat({ max: 999 })).map(([a, b]) => `${a}.${b}`),
      fc.nat({ max: 999 }).map((n) => `.${n}`),
      fc.nat({ max: 99 }).map((n) => `+${n}`),
      fc.nat({ max: 99 }).map((n) => `${n}.`),
      fc.constantFrom("-1", "", "1.2.3", "abc"),
    );
    fc.assert(
      fc.property(number, fc.constantFrom(...SUFFIXES), (num, suffix) => {
        const text = `${num}${suffix}`;
        const original = parseQuantity(text);
        const copy = quantityValue(text);
        if (original === undefined) expect(copy, text).toBeNaN();
        else expect(copy, text).toBe(original);
      }),
      { numRuns: 2000 },
    );
  });

  it("the environments and the computed-value marker are the program's", () => {
    expect(PACK_ENVIRONMENTS).toEqual(ENVIRONMENTS);
    expect(COMPUTED_PREFIX).toBe(PLAN_COMPUTED_PREFIX);
  });

  it("the namespace queue label and Kueue's API version are the program's", () => {
    expect(PACK_QUEUE_LABEL).toBe(NAMESPACE_QUEUE_LABEL);
    expect(PACK_KUEUE_API).toBe(KUEUE_API);
  });

  it("the gateway's namespace, the NLB class and the identity provider's route label are the program's", () => {
    expect(PACK_INGRESS_NAMESPACE).toBe(INGRESS_NAMESPACE);
    expect(PACK_NLB_CLASS).toBe(NLB_CLASS);
    expect(IDP_ROUTE_LABEL).toBe(IDENTITY_PROVIDER_ROUTE_LABEL);
  });
});
