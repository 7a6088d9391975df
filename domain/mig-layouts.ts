/**
 * MIG layouts: which MIG instances a profile of the GPU operator's default mig-parted config cuts from one GPU,
 * per GPU model. Instances per GPU are not always floor(7 / slices): all-1g.10gb cuts 7 on an 80 GB A100/H100 but
 * 4 on a 40 GB A100, and sizes are named after the model's memory. Facts taken from NVIDIA gpu-operator v26.7.0,
 * assets/state-mig-manager/0400_configmap.yaml (the operator version in domain/versions.ts); only the models of
 * the instance catalogue's MIG-capable families are listed.
 */

/** A GPU model as the instance catalogue names it: model and memory per GPU. */
export interface GpuKind {
  readonly model: string;
  readonly memoryGiB: number;
}

/** MIG instance size (e.g. "1g.10gb") → instances per GPU. */
export type MigLayout = Readonly<Record<string, number>>;

const uniform = (size: string, count: number): [string, MigLayout] => [`all-${size}`, { [size]: count }];

const A100_40: Record<string, MigLayout> = Object.fromEntries([
  uniform("1g.5gb", 7),
  uniform("1g.10gb", 4),
  uniform("2g.10gb", 3),
  uniform("3g.20gb", 2),
  uniform("4g.20gb", 1),
  uniform("7g.40gb", 1),
  ["all-balanced", { "1g.5gb": 2, "2g.10gb": 1, "3g.20gb": 1 }],
]);

// A100-80GB and H100-80GB share their MIG geometry.
const GPU_80GB: Record<string, MigLayout> = Object.fromEntries([
  uniform("1g.10gb", 7),
  uniform("1g.20gb", 4),
  uniform("2g.20gb", 3),
  uniform("3g.40gb", 2),
  uniform("4g.40gb", 1),
  uniform("7g.80gb", 1),
  ["all-balanced", { "1g.10gb": 2, "2g.20gb": 1, "3g.40gb": 1 }],
]);

const H200_141: Record<string, MigLayout> = Object.fromEntries([
  uniform("1g.18gb", 7),
  uniform("1g.35gb", 4),
  uniform("2g.35gb", 3),
  uniform("3g.71gb", 2),
  uniform("4g.71gb", 1),
  uniform("7g.141gb", 1),
  ["all-balanced", { "1g.18gb": 2, "2g.35gb": 1, "3g.71gb": 1 }],
]);

const LAYOUTS: Readonly<Record<string, Record<string, MigLayout>>> = {
  "A100/40": A100_40,
  "A100/80": GPU_80GB,
  "H100/80": GPU_80GB,
  "H200/141": H200_141,
};

const key = (gpu: GpuKind) => `${gpu.model}/${gpu.memoryGiB}`;

/** The instances `profile` cuts from one GPU of this kind; undefined when the operator's config has no such profile for it. */
export function migLayout(gpu: GpuKind, profile: string): MigLayout | undefined {
  return LAYOUTS[key(gpu)]?.[profile];
}

/** The profiles the operator's default config offers for this GPU kind, for messages. */
export function migProfiles(gpu: GpuKind): string[] {
  return Object.keys(LAYOUTS[key(gpu)] ?? {});
}

/** The extended resource a MIG instance size is advertised as under the mixed strategy. */
export const migResource = (size: string): string => `nvidia.com/mig-${size}`;
