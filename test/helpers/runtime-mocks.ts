/**
 * The real program under Pulumi's runtime mocks with generated values as known strings (each RandomPassword's result
 * is `pw-<name>`), for tests that follow a generated key or password to where it lands. The offline plan masks
 * them; here the test sees every Secret's data, every Helm chart's inputs and every object of our ConfigGroups.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config/defaults";
import { loadConfig } from "../../config/loader";
import { createPlatform } from "../../platform";
import { parseYamlStream } from "../../scripts/plan/extract";
import { planMocks } from "../../scripts/plan/mocks";
import { Recorder } from "../../scripts/plan/recorder";

type AnyObj = Record<string, any>;
export interface SecretSeen {
  readonly name: string;
  readonly namespace: string;
  readonly data: Record<string, string>;
}
export interface ProgramSeen {
  readonly config: PlatformConfig;
  readonly secrets: SecretSeen[];
  readonly charts: AnyObj[];
  readonly objects: AnyObj[];
}

/** The mocks see a secret input as a wrapper with Pulumi's secret signature around its value. */
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";
export const unwrapSecrets = (value: any): any => {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== "object") return value;
  if (Object.values(value).includes(SECRET_SIGNATURE) && "value" in value) return unwrapSecrets(value.value);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
};

/** Runs the program of `stack` with `values` as its config and returns what it made, secrets in the clear. */
export async function runUnderRuntimeMocks(stack: string, values: Record<string, string>, secretKeys: string[]): Promise<ProgramSeen> {
  const seen = { secrets: [] as SecretSeen[], charts: [] as AnyObj[], objects: [] as AnyObj[] };
  pulumi.runtime.setAllConfig(values, secretKeys);
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const base = planMocks.newResource(args) as { id: string; state: AnyObj };
        const inputs = unwrapSecrets(args.inputs);
        if (args.type === "kubernetes:core/v1:Secret" && inputs.stringData)
          seen.secrets.push({ name: inputs.metadata.name, namespace: inputs.metadata.namespace, data: inputs.stringData });
        if (args.type === "kubernetes:helm.sh/v4:Chart") seen.charts.push({ name: args.name, ...inputs });
        if (args.type === "kubernetes:yaml/v2:ConfigGroup" && typeof inputs.yaml === "string") seen.objects.push(...(parseYamlStream(inputs.yaml) as AnyObj[]));
        if (args.type === "random:index/randomPassword:RandomPassword") return { id: base.id, state: { ...base.state, result: `pw-${args.name}` } };
        return base;
      },
      call: (args) => planMocks.call(args),
    },
    "mlops-platform",
    stack,
    false,
  );
  const recorder = new Recorder();
  recorder.attach();
  const config = loadConfig({ today: new Date("2026-06-01") });
  createPlatform(config);
  await Recorder.settle();
  return { config, ...seen };
}
