/**
 * The indexes benchmark's data for `wix-local` in a child process (`--seed bench/platform-indexes-seed.ts`): one
 * collection per size, `IxChild<N>k`, with the demo Products' declared fields and the first N benchmark products,
 * the same items the in-process collections hold. The sizes come from INDEX_BENCH_SIZES (comma-separated); the
 * Wix index is created afterwards through the SDK, as in the in-process run.
 */
import type { Seed } from '../platform/index.ts';
import { benchmarkProducts, PRODUCT_FIELDS, toWireData } from '../demo/seed/index.ts';

export const childCollectionName = (size: number) => `IxChild${size / 1000}k`;

const seed: Seed = (api) => {
  const sizes = (process.env['INDEX_BENCH_SIZES'] ?? '1000')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0 && n <= 1_000_000);
  const largest = Math.max(...sizes);
  const wire = benchmarkProducts(largest).map(toWireData);
  for (const size of sizes) {
    const id = childCollectionName(size);
    if (!api.createCollection({ id, fields: PRODUCT_FIELDS })) continue;
    for (let i = 0; i < size; i += 1000) api.transaction(() => api.insertItems(id, wire.slice(i, Math.min(size, i + 1000))));
  }
};
export default seed;
