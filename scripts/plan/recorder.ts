/**
 * Records every resource registration the program makes under the mocks: URN, type, name, parent, protect,
 * provider and inputs (secrets masked). Mocks accept duplicate names silently, so the recorder checks URNs.
 */
import { SECRET_PLACEHOLDER } from "./stack-file";

// Internal SDK modules: the mock monitor instance and the RPC (de)serializer.
/* eslint-disable @typescript-eslint/no-require-imports */
const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): unknown; waitForRPCs(): Promise<void> };
const rpc = require("@pulumi/pulumi/runtime/rpc") as { deserializeProperties(s: unknown): Record<string, unknown> };
/* eslint-enable @typescript-eslint/no-require-imports */

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

export interface PlannedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly provider: string | null;
  readonly custom: boolean;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly dependsOn: string[];
  readonly inputs: Record<string, unknown>;
}

/**
 * Replaces secret values by "[secret]" and resource references by their URN. Inside a secret every leaf is
 * masked and the shape kept: a Secret's `stringData` stays a map of its keys, so the written manifest is still a
 * valid object that a real API server accepts.
 */
function mask(value: unknown, inSecret: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => mask(item, inSecret));
  if (value === null || typeof value !== "object") return inSecret ? SECRET_PLACEHOLDER : value;
  const obj = value as Record<string, unknown>;
  if (obj[SIG_KEY] === SECRET_SIG) return mask(obj.value, true);
  if (obj[SIG_KEY] === RESOURCE_SIG) return obj.urn;
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, mask(v, inSecret)]));
}

/** Replaces secret values by "[secret]" (keeping a secret map's keys) and resource references by their URN. */
export function maskValue(value: unknown): unknown {
  return mask(value, false);
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getCustom(): boolean;
  getProtect(): boolean;
  getRetainondelete?(): boolean;
  getDependenciesList(): string[];
  getObject(): unknown;
}
type Callback = (err: unknown, resp?: { getUrn(): string }) => void;
interface Monitor {
  registerResource(req: RegisterRequest, cb: Callback): Promise<void>;
  mocks: { newResource(args: { inputs: Record<string, unknown> }): unknown };
}

export class Recorder {
  readonly resources: PlannedResource[] = [];
  readonly duplicateUrns: string[] = [];
  private readonly urns = new Set<string>();

  /** Hooks the current mock monitor. Call right after `setMocks`. */
  attach(): void {
    const monitor = settings.getMonitor() as Monitor | undefined;
    if (!monitor) throw new Error("no mock monitor: call pulumi.runtime.setMocks first");
    // The mock monitor deserializes each request's inputs for mocks.newResource, synchronously inside
    // registerResource (mocks.js); keep that object instead of deserializing the request a second time.
    const newResource = monitor.mocks.newResource.bind(monitor.mocks);
    let lastInputs: Record<string, unknown> | undefined;
    monitor.mocks.newResource = (args) => {
      lastInputs = args.inputs;
      return newResource(args);
    };
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
      // The mocks see the inputs while original() runs; the callback comes later and reads them from here.
      const seen: { inputs?: Record<string, unknown> } = {};
      const done = original(req, (err, resp) => {
        if (!err && resp) this.record(req, resp.getUrn(), seen.inputs);
        cb(err, resp);
      });
      seen.inputs = lastInputs;
      lastInputs = undefined;
      return done;
    };
  }

  private record(req: RegisterRequest, urn: string, inputs: Record<string, unknown> | undefined): void {
    if (this.urns.has(urn)) this.duplicateUrns.push(urn);
    this.urns.add(urn);
    this.resources.push({
      urn,
      type: req.getType(),
      name: req.getName(),
      parent: req.getParent() || null,
      provider: req.getProvider() ? req.getProvider().split("::").slice(0, 4).join("::") : null,
      custom: req.getCustom(),
      protect: req.getProtect(),
      retainOnDelete: req.getRetainondelete?.() ?? false,
      dependsOn: req.getDependenciesList(),
      inputs: maskValue(inputs ?? rpc.deserializeProperties(req.getObject())) as Record<string, unknown>,
    });
  }

  /** Resolves once every registration the program started has been answered. */
  static settle(): Promise<void> {
    return settings.waitForRPCs();
  }
}
