/**
 * Seeded random numbers for everything that must be reproducible (k-means restarts, the
 * silhouette's sample, the demo data): never Math.random. mulberry32 uses only 32-bit integer
 * arithmetic, so a seed gives the same numbers on every machine.
 */

/**
 * mulberry32 (Tommy Ettinger's public-domain generator): a uniform in [0, 1) per call.
 *
 * @example
 * const next = mulberry32(42);
 * next(); // 0.6011037519201636, on every machine
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** murmur3's 32-bit finaliser: spreads every input bit over the output. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Derives an independent 32-bit seed from a seed and a label (a stream name or a row number),
 * so each dataset, and each transaction row, has its own stream: changing one size does not
 * change the other datasets.
 *
 * @example
 * deriveSeed(42, 'customers') !== deriveSeed(42, 'products'); // true
 */
export function deriveSeed(seed: number, label: string | number): number {
  let h = fmix32(seed ^ 0x9e3779b9);
  if (typeof label === 'number') {
    return fmix32(h ^ fmix32(label + 0x632be5ab));
  }
  for (let i = 0; i < label.length; i += 1) {
    h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0; // FNV-1a step
  }
  return fmix32(h);
}
