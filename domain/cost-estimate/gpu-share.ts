/** What one unit of GPU quota is worth in GPUs, so every unit is priced by the compute it holds. */
export interface Sharing {
  readonly mode: string;
  readonly replicas?: number;
  readonly profile?: string;
}

/**
 * The GPUs one unit stands for: a whole GPU (exclusive), 1/replicas (time-sliced), or a MIG instance's compute slices
 * of the GPU's 7 (its size, e.g. "3g.40gb", from the quota's key or the pool's uniform profile; 1/7 when unknown).
 */
export function gpuPerUnit(sharing: Sharing | undefined, size?: string): number {
  if (sharing?.mode === "mig") {
    const slices = /(\d)g\./.exec(size ?? "") ?? /^all-(\d)g\./.exec(sharing.profile ?? "");
    return slices ? Number(slices[1]) / 7 : 1 / 7;
  }
  if (sharing?.mode === "time-slicing") return 1 / (sharing.replicas ?? 1);
  return 1;
}

/** A share's nominal quota as [size or undefined, units] pairs. */
export const nominalEntries = (nominal: number | Readonly<Record<string, number>>): [string | undefined, number][] =>
  typeof nominal === "number" ? [[undefined, nominal]] : Object.entries(nominal);

/** The GPUs a share holds nominally. */
export function nominalGpus(nominal: number | Readonly<Record<string, number>>, sharing: Sharing | undefined): number {
  return nominalEntries(nominal).reduce((sum, [size, units]) => sum + units * gpuPerUnit(sharing, size), 0);
}

/**
 * The GPUs a team may hold in a pool: its nominal quota plus what it may borrow. A borrowing limit is in units (the
 * largest unit it names, an upper bound); without one Kueue lets it borrow all the other teams' unused nominal quota
 * in the cohort, bounded here by what they hold nominally and by the pool's capacity when that is known.
 */
export function teamPoolGpus(args: {
  readonly nominal: number | Readonly<Record<string, number>>;
  readonly borrowingLimit?: number;
  readonly sharing?: Sharing;
  readonly othersNominalGpus: number;
  readonly capacityGpus?: number;
}): { gpus: number; borrowedGpus: number; unlimited: boolean } {
  const own = nominalGpus(args.nominal, args.sharing);
  const largest = Math.max(...nominalEntries(args.nominal).map(([size]) => gpuPerUnit(args.sharing, size)));
  const unlimited = args.borrowingLimit === undefined;
  const borrowable = unlimited ? args.othersNominalGpus : Math.min((args.borrowingLimit ?? 0) * largest, args.othersNominalGpus);
  const total = Math.min(own + borrowable, args.capacityGpus ?? Infinity);
  return { gpus: total, borrowedGpus: Math.max(0, total - own), unlimited };
}
