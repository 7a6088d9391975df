/**
 * The EC2 instance types node pools may use, with the figures config checks and capacity sums need.
 * Source: AWS "Amazon EC2 instance types" specifications (accelerated computing, general purpose, compute
 * and memory optimized). x86_64 only: the AMI types below are the x86_64 AL2023 variants.
 */
export interface InstanceType {
  readonly name: string;
  readonly family: string;
  readonly vcpu: number;
  readonly memoryGiB: number;
  /** NVIDIA GPUs per instance; 0 for CPU types. */
  readonly gpus: number;
  readonly gpuModel?: string;
  /** GPU memory per GPU in GiB. */
  readonly gpuMemoryGiB?: number;
  /** Multi-Instance GPU support (A100, H100, H200). */
  readonly migCapable?: boolean;
}

interface GpuFamily {
  readonly model: string;
  readonly gpuMemoryGiB: number;
  readonly migCapable: boolean;
  /** size → [vCPU, memory GiB, GPUs] */
  readonly sizes: Record<string, [number, number, number]>;
}

const GPU_FAMILIES: Record<string, GpuFamily> = {
  g4dn: {
    model: "T4",
    gpuMemoryGiB: 16,
    migCapable: false,
    sizes: {
      xlarge: [4, 16, 1],
      "2xlarge": [8, 32, 1],
      "4xlarge": [16, 64, 1],
      "8xlarge": [32, 128, 1],
      "12xlarge": [48, 192, 4],
      "16xlarge": [64, 256, 1],
      metal: [96, 384, 8],
    },
  },
  g5: {
    model: "A10G",
    gpuMemoryGiB: 24,
    migCapable: false,
    sizes: {
      xlarge: [4, 16, 1],
      "2xlarge": [8, 32, 1],
      "4xlarge": [16, 64, 1],
      "8xlarge": [32, 128, 1],
      "12xlarge": [48, 192, 4],
      "16xlarge": [64, 256, 1],
      "24xlarge": [96, 384, 4],
      "48xlarge": [192, 768, 8],
    },
  },
  g6: {
    model: "L4",
    gpuMemoryGiB: 24,
    migCapable: false,
    sizes: {
      xlarge: [4, 16, 1],
      "2xlarge": [8, 32, 1],
      "4xlarge": [16, 64, 1],
      "8xlarge": [32, 128, 1],
      "12xlarge": [48, 192, 4],
      "16xlarge": [64, 256, 1],
      "24xlarge": [96, 384, 4],
      "48xlarge": [192, 768, 8],
    },
  },
  g6e: {
    model: "L40S",
    gpuMemoryGiB: 48,
    migCapable: false,
    sizes: {
      xlarge: [4, 32, 1],
      "2xlarge": [8, 64, 1],
      "4xlarge": [16, 128, 1],
      "8xlarge": [32, 256, 1],
      "12xlarge": [48, 384, 4],
      "16xlarge": [64, 512, 1],
      "24xlarge": [96, 768, 4],
      "48xlarge": [192, 1536, 8],
    },
  },
  p3: { model: "V100", gpuMemoryGiB: 16, migCapable: false, sizes: { "2xlarge": [8, 61, 1], "8xlarge": [32, 244, 4], "16xlarge": [64, 488, 8] } },
  p4d: { model: "A100", gpuMemoryGiB: 40, migCapable: true, sizes: { "24xlarge": [96, 1152, 8] } },
  p4de: { model: "A100", gpuMemoryGiB: 80, migCapable: true, sizes: { "24xlarge": [96, 1152, 8] } },
  p5: { model: "H100", gpuMemoryGiB: 80, migCapable: true, sizes: { "4xlarge": [16, 256, 1], "48xlarge": [192, 2048, 8] } },
  p5e: { model: "H200", gpuMemoryGiB: 141, migCapable: true, sizes: { "48xlarge": [192, 2048, 8] } },
};

/** General purpose (m), compute (c) and memory (r) families: vCPU by size, memory = vCPU × ratio. */
const CPU_FAMILIES: Record<string, number> = {
  m5: 4,
  m6i: 4,
  m6a: 4,
  m7i: 4,
  m7a: 4,
  c5: 2,
  c6i: 2,
  c6a: 2,
  c7i: 2,
  c7a: 2,
  r5: 8,
  r6i: 8,
  r6a: 8,
  r7i: 8,
  r7a: 8,
};
const CPU_SIZES: Record<string, number> = {
  large: 2,
  xlarge: 4,
  "2xlarge": 8,
  "4xlarge": 16,
  "8xlarge": 32,
  "12xlarge": 48,
  "16xlarge": 64,
  "24xlarge": 96,
};

function buildCatalogue(): Map<string, InstanceType> {
  const all = new Map<string, InstanceType>();
  for (const [family, f] of Object.entries(GPU_FAMILIES)) {
    for (const [size, [vcpu, memoryGiB, gpus]] of Object.entries(f.sizes)) {
      const name = `${family}.${size}`;
      all.set(name, { name, family, vcpu, memoryGiB, gpus, gpuModel: f.model, gpuMemoryGiB: f.gpuMemoryGiB, migCapable: f.migCapable });
    }
  }
  for (const [family, ratio] of Object.entries(CPU_FAMILIES)) {
    for (const [size, vcpu] of Object.entries(CPU_SIZES)) {
      const name = `${family}.${size}`;
      all.set(name, { name, family, vcpu, memoryGiB: vcpu * ratio, gpus: 0 });
    }
  }
  return all;
}

export const INSTANCE_TYPES: ReadonlyMap<string, InstanceType> = buildCatalogue();
export const GPU_INSTANCE_FAMILIES: readonly string[] = Object.keys(GPU_FAMILIES);

export function instanceType(name: string): InstanceType | undefined {
  return INSTANCE_TYPES.get(name);
}

export function isGpuInstanceType(name: string): boolean {
  return (INSTANCE_TYPES.get(name)?.gpus ?? 0) > 0;
}

/** Largest GPU count among the given instance types: the per-node GPU capacity a pool may get. */
export function maxGpusPerNode(names: readonly string[]): number {
  return Math.max(0, ...names.map((n) => INSTANCE_TYPES.get(n)?.gpus ?? 0));
}
