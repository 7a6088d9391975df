/** The offline plan's switch for two SDK diagnostics: off while the plan runs, back afterwards, results unchanged. */
import * as pulumi from "@pulumi/pulumi";
import { describe, it, expect } from "vitest";
import { withoutSdkDiagnostics } from "../../scripts/plan/sdk-diagnostics";

/* eslint-disable @typescript-eslint/no-require-imports */
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise<T>(promise: Promise<T>, ctx: unknown): Promise<T> };
/* eslint-enable @typescript-eslint/no-require-imports */
const resource = pulumi.Resource as unknown as { stackTrace: (skip: number) => unknown[] };

describe("withoutSdkDiagnostics", () => {
  it("records no stack traces while on, and puts both functions back when restored", () => {
    const [stackTrace, debuggablePromise] = [resource.stackTrace, debuggable.debuggablePromise];
    expect(stackTrace(0).length).toBeGreaterThan(0);
    const restore = withoutSdkDiagnostics();
    expect(resource.stackTrace(0)).toEqual([]);
    expect(debuggable.debuggablePromise).not.toBe(debuggablePromise);
    restore();
    expect(resource.stackTrace).toBe(stackTrace);
    expect(debuggable.debuggablePromise).toBe(debuggablePromise);
  });

  it("the replacement settles as the promise does, and tags a rejection with its promise as the SDK's does", async () => {
    const restore = withoutSdkDiagnostics();
    try {
      await expect(debuggable.debuggablePromise(Promise.resolve(42), "ctx")).resolves.toBe(42);
      const failing = Promise.reject(new Error("boom"));
      const error = await debuggable.debuggablePromise(failing, "ctx").catch((err: Error & { promise?: unknown }) => err);
      expect(error.message).toBe("boom");
      expect(error.promise).toBe(failing);
    } finally {
      restore();
    }
  });
});
