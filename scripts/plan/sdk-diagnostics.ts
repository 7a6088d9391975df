/**
 * Two diagnostics of the Pulumi SDK that cost the offline plan more than all our code and made it grow faster
 * than the number of teams (1000 → 2000 teams: createPlatform 7 → 17 s). Neither means anything offline.
 * - Resource.stackTrace: every resource's constructor formats a stack of unlimited depth and maps each frame
 *   through ts-node's source maps, for a source position the engine shows in its UI; the recorder never
 *   records it. Without it the request carries no position, as when the SDK finds none.
 * - debuggablePromise (about 49 calls per resource): it attaches an Error and three properties to the promise
 *   and keeps it in a set of leak candidates until it settles, so at 5000 teams millions of live promises sat in
 *   one Set the collector scanned again and again. The replacement keeps the same two-step chain (.then, then
 *   a .catch that tags the error), so every registration settles on the same microtask as before and the
 *   recorder sees resources in the same order; only the debug data and the exit-time leak report go.
 */
import * as pulumi from "@pulumi/pulumi";

// An internal SDK module, reached the way the recorder reaches its neighbours (scripts/plan/recorder.ts).
/* eslint-disable @typescript-eslint/no-require-imports */
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise<T>(promise: Promise<T>, ctx: unknown): Promise<T> };
/* eslint-enable @typescript-eslint/no-require-imports */
type StackTrace = (skip: number) => unknown[];

/** Switches both off until the returned function is called. Only the offline plan calls it, never `pulumi up`. */
export function withoutSdkDiagnostics(): () => void {
  const resource = pulumi.Resource as unknown as { stackTrace: StackTrace };
  const stackTrace = resource.stackTrace;
  const debuggablePromise = debuggable.debuggablePromise;
  resource.stackTrace = () => [];
  debuggable.debuggablePromise = <T>(promise: Promise<T>) =>
    promise
      .then((value) => value)
      .catch((err) => {
        err.promise = promise;
        throw err;
      });
  return () => {
    resource.stackTrace = stackTrace;
    debuggable.debuggablePromise = debuggablePromise;
  };
}
