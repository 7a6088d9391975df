/**
 * Runs the real program in-process under Pulumi's runtime mocks with a stack file's own config, and returns
 * everything it would create. Nothing touches the network: there is no engine, provider plugin or cloud.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadConfig, type PlatformConfig, type Problem } from "../../config";
import { createPlatform } from "../../platform";
import { PROJECT } from "../../domain/project";
import { chartReferences, kubernetesObjects, manifestReferences, type ChartReference, type KubeObject, type ManifestReference } from "./extract";
import { planMocks } from "./mocks";
import { Recorder, type PlannedResource } from "./recorder";
import { withoutSdkDiagnostics } from "./sdk-diagnostics";
import { fileLocation, readStackFile, type StackConfig } from "./stack-file";
import { upstreamRenders, type UpstreamRender } from "./upstream";
import { unorderedCustomResourceLines } from "./crd-order";
import { validateObjects, type SchemaProblem } from "./validate";

export interface PlanResult {
  readonly stack: string;
  readonly ok: boolean;
  /** Config problems; when present nothing was planned. */
  readonly problems: readonly Problem[];
  readonly config?: PlatformConfig;
  readonly resources: readonly PlannedResource[];
  readonly objects: readonly { source: string; object: KubeObject }[];
  readonly charts: readonly ChartReference[];
  /** Upstream manifests (by URL or kustomization) the provider renders at deploy time. */
  readonly manifests: readonly ManifestReference[];
  /** Each chart release with its inventory entry (charts/inventory/), when one matches its render input. */
  readonly upstream: readonly UpstreamRender[];
  readonly schemaProblems: readonly SchemaProblem[];
  readonly duplicateUrns: readonly string[];
  /** Custom resources that do not wait for the chart defining their kind (scripts/plan/crd-order.ts). */
  readonly orderProblems: readonly string[];
}

export interface PlanOptions {
  /** Use this config instead of reading stacks/Pulumi.<stack>.yaml (tests, benchmarks). */
  readonly stackConfig?: StackConfig;
  /** The day support windows are judged against. @default today */
  readonly today?: Date;
  /** Where stack files are read from when no stackConfig is given. @default stacks/ */
  readonly stacksDir?: string;
}

/** The parts of a PlanResult when nothing was planned (config problems; or a bare result to run policies over). */
export const NOTHING_PLANNED = {
  resources: [],
  objects: [],
  charts: [],
  manifests: [],
  upstream: [],
  schemaProblems: [],
  duplicateUrns: [],
  orderProblems: [],
} as const satisfies Partial<PlanResult>;

export async function runPlan(stack: string, opts: PlanOptions = {}): Promise<PlanResult> {
  let stackConfig = opts.stackConfig;
  if (!stackConfig) {
    const read = readStackFile(stack, opts.stacksDir);
    // A stack file that is not YAML is reported like config: `file:line:column` stands where a key path would.
    if (!read.ok) return { stack, ok: false, problems: read.problems.map((p) => ({ path: fileLocation(p), message: p.message })), ...NOTHING_PLANNED };
    stackConfig = read.config;
  }
  pulumi.runtime.setAllConfig(stackConfig.values, stackConfig.secretKeys);
  await pulumi.runtime.setMocks(planMocks, PROJECT, stack, false);
  const recorder = new Recorder();
  recorder.attach();

  // The program's modules only define functions, so importing them before setMocks creates nothing.
  let config: PlatformConfig;
  try {
    config = loadConfig({ today: opts.today ?? new Date() });
  } catch (err) {
    if (err instanceof ConfigError) return { stack, ok: false, problems: err.problems, ...NOTHING_PLANNED };
    throw err;
  }
  // The SDK stores a formatted stack trace on every internal promise (runtime/debuggable.js), which under
  // ts-node's source maps dominated plan time and memory at 1000 teams. Source positions mean nothing offline.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const restoreSdk = withoutSdkDiagnostics();
  try {
    createPlatform(config);
    await Recorder.settle();
  } finally {
    restoreSdk();
    Error.stackTraceLimit = stackTraceLimit;
  }

  const objects = kubernetesObjects(recorder.resources);
  const charts = chartReferences(recorder.resources);
  const schemaProblems = await validateObjects(
    objects.map((o) => o.object),
    config.cluster.version,
  );
  const planned = {
    stack,
    problems: [],
    config,
    resources: recorder.resources,
    objects,
    charts,
    upstream: upstreamRenders(charts, config.cluster.version),
    manifests: manifestReferences(recorder.resources),
    schemaProblems,
    duplicateUrns: recorder.duplicateUrns,
  };
  const orderProblems = unorderedCustomResourceLines(planned);
  return { ...planned, ok: schemaProblems.length === 0 && recorder.duplicateUrns.length === 0 && orderProblems.length === 0, orderProblems };
}
