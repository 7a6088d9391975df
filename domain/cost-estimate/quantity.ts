/** Quota quantities in the estimator's units: CPU cores ("16", "500m", "1e3") and GiB ("128Gi", "1Ti", "5e9"). */
import { parseQuantity } from "../quantity";

/** CPU cores of a quantity; undefined when it does not parse. */
export const cores = (text: string): number | undefined => parseQuantity(text);

/** GiB of a byte quantity; undefined when it does not parse. */
export function gibibytes(text: string): number | undefined {
  const bytes = parseQuantity(text);
  return bytes === undefined ? undefined : bytes / 2 ** 30;
}
