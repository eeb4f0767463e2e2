/**
 * k-means for customer segments, done the way scikit-learn's KMeans does it (1.2, algorithm
 * "lloyd"), so that its results are the reference: greedy k-means++ starts, Lloyd
 * iterations until the centers stop moving, several restarts keeping the lowest inertia.
 * Deterministic for a seed: the random numbers come from mulberry32, never Math.random.
 *
 * Everything runs on flat Float64Arrays. A plain Lloyd iteration is n * k * d multiply-adds
 * (4 million for 100,000 customers, 5 features and k = 8); the bounds of `lloyd` skip most
 * of them once the centers settle, without changing any label.
 */
import { deriveSeed, mulberry32 } from '#analysis/stats/random.ts';
import { InputRejectedError } from '#platform/errors.ts';
import { checkMatrix, countDistinctRows, type Matrix } from './matrix.ts';

export interface KMeansOptions {
  /** Independent k-means++ starts; the one with the lowest inertia is kept. @default 10 */
  restarts?: number;
  /** Seed of the random numbers (restart r uses the stream deriveSeed(seed, r)). @default 0 */
  seed?: number;
  /** Lloyd iterations at most, per restart. @default 300 */
  maxIterations?: number;
  /**
   * Convergence: the centers' total squared shift in one iteration at most this times the
   * mean variance of the columns (scikit-learn's `tol`, relative in the same way). @default 1e-4
   */
  tolerance?: number;
}

export const KMEANS_DEFAULTS: Required<KMeansOptions> = {
  restarts: 10,
  seed: 0,
  maxIterations: 300,
  tolerance: 1e-4,
};

/**
 * Restarts whose inertias agree to this relative difference count as equal (the earlier is
 * kept): they have usually found the same clustering, and which one wins should not hang
 * on the last digit of a sum.
 */
const SAME_INERTIA = 1e-12;

/**
 * Relative margin on the triangle-inequality tests of kmeansPlusPlus and lloyd: a distance
 * computation is skipped only when the bound clears it by this much, far more than the
 * rounding the bounds accumulate (about 1e-16 per operation), so skipping never changes
 * a result that computing would have given.
 */
const SLACK = 1e-9;

export interface KMeansResult {
  k: number;
  /** The cluster (0 .. k - 1) of each row: its nearest center, ties to the lower index. */
  labels: Int32Array;
  /** k x d, in the units of the input. */
  centers: Matrix;
  /** Rows per cluster. */
  sizes: number[];
  /** Sum of squared distances of the rows to their centers (scikit-learn's inertia_). */
  inertia: number;
  /** Lloyd iterations of the kept restart. */
  iterations: number;
  /** false if the kept restart stopped at maxIterations. */
  converged: boolean;
  /** Which restart (0-based) was kept, and every restart's inertia, for the evidence. */
  restart: number;
  restartInertias: number[];
}

/**
 * k-means of the rows of `x` into k clusters.
 *
 * Each restart starts from greedy k-means++ (`kmeansPlusPlus`) and runs `lloyd`; the
 * restart with the lowest inertia is kept (an inertia equal to 12 digits keeps the earlier
 * restart). As scikit-learn does, the columns are centered on their means before the
 * iterations (the distances are the same, but sums of values near 0 round less) and the
 * centers shifted back.
 *
 * Rejects k above the number of distinct rows: there cannot be k non-empty clusters then.
 *
 * @example
 * const x = matrixFromRows([[0, 0], [0, 1], [10, 10], [10, 11]]);
 * const { labels, inertia } = kmeans(x, 2, { seed: 1 });
 * // labels: [0, 0, 1, 1] or [1, 1, 0, 0]; inertia: 1 (0.5 per pair)
 */
export function kmeans(x: Matrix, k: number, options: KMeansOptions = {}): KMeansResult {
  const { rows: n, cols: d } = checkMatrix(x);
  const { restarts, seed, maxIterations, tolerance } = resolveOptions(options);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k-means: k must be a positive integer`);
  const distinct = countDistinctRows(x, k);
  if (distinct < k) {
    throw new InputRejectedError(
      `k-means: ${distinct} distinct row${distinct === 1 ? '' : 's'}, fewer than k = ${k}`,
    );
  }

  const means = columnMeans(x);
  const centered = new Float64Array(n * d);
  for (let p = 0; p < n * d; p += 1) centered[p] = x.data[p]! - means[p % d]!;
  const xc: Matrix = { rows: n, cols: d, data: centered };
  const absoluteTolerance = tolerance * meanColumnVariance(xc);

  let best: LloydResult | undefined;
  let bestRestart = 0;
  const restartInertias: number[] = [];
  for (let r = 0; r < restarts; r += 1) {
    const start = seedCenters(xc, k, mulberry32(deriveSeed(seed, r)));
    const run = runLloyd(xc, start.centers, maxIterations, absoluteTolerance, start);
    restartInertias.push(run.inertia);
    if (best === undefined || run.inertia < best.inertia * (1 - SAME_INERTIA)) {
      best = run;
      bestRestart = r;
    }
  }
  if (best === undefined) throw new RangeError('k-means: no restart ran'); // restarts >= 1

  const centers = best.centers;
  for (let p = 0; p < k * d; p += 1) centers[p] = centers[p]! + means[p % d]!;
  return {
    k,
    labels: best.labels,
    centers: { rows: k, cols: d, data: centers },
    sizes: clusterSizes(best.labels, k),
    inertia: best.inertia,
    iterations: best.iterations,
    converged: best.converged,
    restart: bestRestart,
    restartInertias,
  };
}

function resolveOptions(options: KMeansOptions): Required<KMeansOptions> {
  const o = { ...KMEANS_DEFAULTS, ...options };
  if (!Number.isInteger(o.restarts) || o.restarts < 1) {
    throw new RangeError(`k-means: restarts must be a positive integer (got ${o.restarts})`);
  }
  if (!Number.isInteger(o.maxIterations) || o.maxIterations < 1) {
    throw new RangeError(`k-means: maxIterations must be a positive integer`);
  }
  if (!(o.tolerance >= 0 && Number.isFinite(o.tolerance))) {
    throw new RangeError(`k-means: tolerance must be finite and >= 0 (got ${o.tolerance})`);
  }
  if (!Number.isInteger(o.seed)) throw new RangeError(`k-means: seed must be an integer`);
  return o;
}

/**
 * Greedy k-means++ (Arthur and Vassilvitskii 2007, in the variant scikit-learn uses): the
 * first center is a uniformly drawn row; each next one is the best of 2 + floor(ln k)
 * candidates, each drawn with probability proportional to its squared distance to the
 * nearest center so far, "best" meaning the candidate that leaves the smallest total
 * squared distance (ties to the first drawn). Trying a few candidates instead of one avoids
 * most of the bad starts plain k-means++ makes, for a few more passes over the data.
 *
 * A row already chosen (or a copy of one) has weight 0 and cannot be drawn again, so with
 * at least k distinct rows the k centers are distinct. Returns k x d centers, row-major.
 *
 * Speed: a row's distance to a candidate is skipped when the triangle inequality already
 * shows the candidate is no nearer than the row's nearest center (the candidate is at least
 * twice that distance from that center); the totals are those of computing every distance.
 */
export function kmeansPlusPlus(x: Matrix, k: number, random: () => number): Float64Array {
  return seedCenters(x, k, random).centers;
}

/** The rows' nearest center among the seeds and their distance to it, as k-means++ leaves them. */
interface Seeding {
  centers: Float64Array;
  nearest: Int32Array;
  root: Float64Array;
}

/** kmeansPlusPlus, also returning each row's nearest seed (the first assignment, for free). */
function seedCenters(x: Matrix, k: number, random: () => number): Seeding {
  const { rows: n, cols: d, data } = x;
  const centers = new Float64Array(k * d);
  const closest = new Float64Array(n); // squared distance to the nearest center so far
  const root = new Float64Array(n); // its square root
  const nearest = new Int32Array(n); // which center that is
  const trials = 2 + Math.floor(Math.log(k));
  const candidates = new Int32Array(trials);
  const potentials = new Float64Array(trials);
  const toCenters = new Float64Array(trials * k); // candidate t to center c: [t * k + c]

  const first = Math.min(n - 1, Math.floor(random() * n));
  centers.set(data.subarray(first * d, first * d + d), 0);
  let total = 0;
  for (let i = 0; i < n; i += 1) {
    const dist = squaredDistance(data, i * d, data, first * d, d);
    closest[i] = dist;
    root[i] = Math.sqrt(dist);
    total += dist;
  }

  for (let c = 1; c < k; c += 1) {
    drawCandidates(closest, total, random, candidates);
    for (let t = 0; t < trials; t += 1) {
      for (let o = 0; o < c; o += 1) {
        toCenters[t * k + o] = Math.sqrt(
          squaredDistance(data, candidates[t]! * d, centers, o * d, d),
        );
      }
    }
    // Each candidate's potential (sum over rows of the squared distance to the nearest
    // center, the candidate included), all candidates in one pass over the rows.
    potentials.fill(0);
    for (let i = 0; i < n; i += 1) {
      const old = closest[i]!;
      const reach = 2 * root[i]! * (1 + SLACK); // beyond this from the row's center: not nearer
      const near = nearest[i]!;
      for (let t = 0; t < trials; t += 1) {
        let value = old;
        if (!(toCenters[t * k + near]! > reach)) {
          const dist = squaredDistance(data, i * d, data, candidates[t]! * d, d);
          if (dist < old) value = dist;
        }
        potentials[t] = potentials[t]! + value;
      }
    }
    let best = 0;
    for (let t = 1; t < trials; t += 1) if (potentials[t]! < potentials[best]!) best = t;
    const chosen = candidates[best]!;
    centers.set(data.subarray(chosen * d, chosen * d + d), c * d);
    for (let i = 0; i < n; i += 1) {
      if (toCenters[best * k + nearest[i]!]! > 2 * root[i]! * (1 + SLACK)) continue;
      const dist = squaredDistance(data, i * d, data, chosen * d, d);
      if (dist < closest[i]!) {
        closest[i] = dist;
        root[i] = Math.sqrt(dist);
        nearest[i] = c;
      }
    }
    // The same sums in the same order as the new closest distances: their exact total.
    total = potentials[best]!;
  }
  return { centers, nearest, root };
}

/**
 * Draws candidates.length rows with probability proportional to `weights` (whose sum, in
 * index order, is `total`): for each uniform u, the first row at which the running sum
 * exceeds u * total, so a row of weight 0 is never drawn. The draws are located in one
 * pass, in increasing order of target. If rounding puts a target at the total, the last
 * row with positive weight is taken.
 */
function drawCandidates(
  weights: Float64Array,
  total: number,
  random: () => number,
  candidates: Int32Array,
): void {
  const count = candidates.length;
  const targets = Array.from({ length: count }, () => random() * total);
  const order = Array.from({ length: count }, (_, t) => t).sort(
    (a, b) => targets[a]! - targets[b]!,
  );
  let next = 0;
  let sum = 0;
  let lastPositive = 0;
  for (let i = 0; i < weights.length && next < count; i += 1) {
    const w = weights[i]!;
    sum += w;
    if (w > 0) lastPositive = i;
    while (next < count && sum > targets[order[next]!]!) {
      candidates[order[next]!] = i;
      next += 1;
    }
  }
  for (; next < count; next += 1) candidates[order[next]!] = lastPositive;
}

export interface LloydResult {
  labels: Int32Array;
  /** k x d, row-major. */
  centers: Float64Array;
  inertia: number;
  iterations: number;
  converged: boolean;
}

/**
 * Lloyd's iterations from the given k x d centers: assign each row to its nearest center
 * (ties to the lower index), move each center to the mean of its rows; stop when no label
 * changes or the centers' total squared shift is at most `tolerance` (absolute), or after
 * `maxIterations`. As in scikit-learn, the labels are then assigned once more to the final
 * centers (unless none changed), so that labels, centers and inertia agree, and
 * `iterations` counts the center updates.
 *
 * Empty clusters are refilled as scikit-learn does: the rows farthest from their centers
 * (ties to the lower index) each become the center of one empty cluster, leaving the
 * cluster they were in. A row alone in its cluster is not taken, nor one sitting on its
 * center; when no row qualifies the center stays where it was.
 *
 * Speed (Hamerly 2010, "Making k-means even faster"): each row keeps an upper bound on its
 * distance to its own center and a lower bound on its distance to any other, widened after
 * each update by how far the centers moved. A row whose upper bound is below the lower
 * bound, or below half the distance from its center to the nearest other center, cannot
 * change cluster, and its k distances are not computed; when a row's bounds do fail, the
 * centers at least twice as far from its best center as the row is are skipped. What is
 * skipped is exactly what plain Lloyd would not pick (a tie is never skipped, see SLACK), so
 * the labels are plain Lloyd's; the clusters' sums are updated only for rows that move, so
 * centers can differ from recomputed means by rounding (about 1e-15).
 */
export function lloyd(
  x: Matrix,
  initialCenters: Float64Array,
  maxIterations: number,
  tolerance: number,
): LloydResult {
  return runLloyd(x, initialCenters, maxIterations, tolerance);
}

/**
 * lloyd, optionally starting from k-means++'s nearest seeds: they are the first
 * assignment's labels (same distances, same tie rule), so it need not compute them.
 */
function runLloyd(
  x: Matrix,
  initialCenters: Float64Array,
  maxIterations: number,
  tolerance: number,
  start?: Seeding,
): LloydResult {
  const { rows: n, cols: d, data } = x;
  const k = initialCenters.length / d;
  const state: LloydState = {
    data,
    n,
    d,
    k,
    centers: Float64Array.from(initialCenters),
    sums: new Float64Array(k * d),
    counts: new Float64Array(k),
    labels: new Int32Array(n).fill(-1),
    upper: new Float64Array(n),
    lower: new Float64Array(n),
    halfGap: new Float64Array(k),
    between: new Float64Array(k * k),
    moved: new Float64Array(k),
    most: 0,
    mostAt: -1,
    second: 0,
    slack: SLACK * rootMeanSquare(data, n),
  };
  if (start !== undefined) {
    // Lower bounds of 0: only rows nearer their seed than half its gap to the next seed are
    // skipped, the others searched.
    for (let i = 0; i < n; i += 1) moveRow(state, i, -1, start.nearest[i]!);
    state.upper.set(start.root);
  }
  const previous = new Float64Array(k * d);

  let iterations = 0;
  let converged = false;
  let changed = 0;
  while (iterations < maxIterations) {
    iterations += 1;
    changed = assignBounded(state) + relocateEmptyClusters(state);
    // Every label is new at the first assignment, whether or not the seeding computed it.
    if (iterations === 1) changed = n;

    const { centers, sums, counts, moved } = state;
    previous.set(centers);
    let shift = 0;
    let most = 0;
    let mostAt = -1;
    let second = 0;
    for (let c = 0; c < k; c += 1) {
      const count = counts[c]!;
      let squared = 0;
      for (let j = 0; j < d; j += 1) {
        const at = c * d + j;
        if (count > 0) centers[at] = sums[at]! / count;
        const delta = centers[at]! - previous[at]!;
        squared += delta * delta;
      }
      shift += squared;
      const move = Math.sqrt(squared);
      moved[c] = move;
      if (move > most) {
        second = most;
        most = move;
        mostAt = c;
      } else if (move > second) second = move;
    }
    state.most = most;
    state.mostAt = mostAt;
    state.second = second;

    if (changed === 0 || shift <= tolerance) {
      converged = true;
      break;
    }
  }
  if (changed !== 0) assignBounded(state);

  const { labels, centers } = state;
  let inertia = 0;
  for (let i = 0; i < n; i += 1) {
    inertia += squaredDistance(data, i * d, centers, labels[i]! * d, d);
  }
  return { labels, centers, inertia, iterations, converged };
}

interface LloydState {
  data: Float64Array;
  n: number;
  d: number;
  k: number;
  centers: Float64Array;
  /** Each cluster's sum of rows and count, kept up to date as rows change cluster. */
  sums: Float64Array;
  counts: Float64Array;
  /** -1 before the first assignment. */
  labels: Int32Array;
  /** Per row: >= its distance to its own center; <= its distance to every other center. */
  upper: Float64Array;
  lower: Float64Array;
  /** Per center: half the distance to the nearest other center. */
  halfGap: Float64Array;
  /** Distances between centers, k x k. */
  between: Float64Array;
  /**
   * How far each center moved in the last update, the largest and second largest of those
   * moves, and which center made the largest: the next assignment widens each row's bounds
   * by them as it reads the row (own center's move for the upper bound, the largest move of
   * another center for the lower).
   */
  moved: Float64Array;
  most: number;
  mostAt: number;
  second: number;
  /** Absolute margin on the bound tests: SLACK times the rows' root mean square norm. */
  slack: number;
}

/**
 * Assigns every row to its nearest center (the first of equally near ones), skipping the
 * rows and centers that the bounds rule out (see lloyd); keeps sums and counts up to date.
 * Returns how many labels changed.
 */
function assignBounded(s: LloydState): number {
  const { data, n, d, k, centers, labels, upper, lower, halfGap, between, moved, slack } = s;
  const { most, mostAt, second } = s;
  for (let c = 0; c < k; c += 1) {
    let gap = Infinity;
    for (let o = 0; o < k; o += 1) {
      const dist = o === c ? 0 : Math.sqrt(squaredDistance(centers, c * d, centers, o * d, d));
      between[c * k + o] = dist;
      if (o !== c && dist < gap) gap = dist;
    }
    halfGap[c] = gap / 2;
  }
  const widen = 1 + SLACK;

  let changed = 0;
  for (let i = 0; i < n; i += 1) {
    const row = i * d;
    const a = labels[i]!;
    let best = 0;
    let bestDistance: number;
    if (a >= 0) {
      const u = upper[i]! + moved[a]!;
      const l = lower[i]! - (a === mostAt ? second : most);
      const gap = halfGap[a]!;
      const bound = gap > l ? gap : l;
      lower[i] = l;
      if (u * widen + slack < bound) {
        upper[i] = u;
        continue;
      }
      best = a;
      bestDistance = squaredDistance(data, row, centers, a * d, d);
      const exact = Math.sqrt(bestDistance);
      upper[i] = exact;
      if (exact * widen + slack < bound) continue;
    } else {
      bestDistance = squaredDistance(data, row, centers, 0, d);
    }
    // The nearest center, skipping each center at least twice as far from the best so far
    // as the row is (it cannot be nearer); `other` is a lower bound on the distance to every
    // center but the best: exact where computed, by the triangle inequality where skipped.
    let bestRoot = Math.sqrt(bestDistance);
    let other = Infinity;
    for (let c = 0; c < k; c += 1) {
      if (c === best) continue;
      const apart = between[best * k + c]!;
      if (apart > 2 * (bestRoot * widen + slack)) {
        const far = apart - bestRoot;
        if (far < other) other = far;
        continue;
      }
      const dist = squaredDistance(data, row, centers, c * d, d);
      if (dist < bestDistance || (dist === bestDistance && c < best)) {
        if (bestRoot < other) other = bestRoot;
        best = c;
        bestDistance = dist;
        bestRoot = Math.sqrt(dist);
      } else {
        const root = Math.sqrt(dist);
        if (root < other) other = root;
      }
    }
    upper[i] = bestRoot;
    lower[i] = other;
    if (best !== a) {
      moveRow(s, i, a, best);
      changed += 1;
    }
  }
  s.moved.fill(0);
  s.most = 0;
  s.mostAt = -1;
  s.second = 0;
  return changed;
}

/** Moves row i from cluster `from` (-1: none) to `to` in the labels, sums and counts. */
function moveRow(s: LloydState, i: number, from: number, to: number): void {
  const { data, d, sums, counts, labels } = s;
  const row = i * d;
  if (from >= 0) {
    for (let j = 0; j < d; j += 1) sums[from * d + j] = sums[from * d + j]! - data[row + j]!;
    counts[from] = counts[from]! - 1;
  }
  for (let j = 0; j < d; j += 1) sums[to * d + j] = sums[to * d + j]! + data[row + j]!;
  counts[to] = counts[to]! + 1;
  labels[i] = to;
}

/**
 * See lloyd. The rows' distances to their centers are computed exactly here (the bounds
 * are not enough to rank them); this runs only when a cluster is empty. Returns how many
 * rows were moved, which count as changed labels.
 */
function relocateEmptyClusters(s: LloydState): number {
  const { data, n, d, k, centers, sums, counts, labels, upper, lower } = s;
  let distances: Float64Array | undefined;
  let moves = 0;
  for (let empty = 0; empty < k; empty += 1) {
    if (counts[empty]! > 0) continue;
    if (distances === undefined) {
      distances = new Float64Array(n);
      for (let i = 0; i < n; i += 1) {
        distances[i] = squaredDistance(data, i * d, centers, labels[i]! * d, d);
      }
    }
    let far = -1;
    let farDistance = 0;
    for (let i = 0; i < n; i += 1) {
      if (distances[i]! > farDistance && counts[labels[i]!]! > 1) {
        far = i;
        farDistance = distances[i]!;
      }
    }
    if (far < 0) continue; // the center stays
    sums.fill(0, empty * d, empty * d + d); // clear the rounding left by the rows that left
    moveRow(s, far, labels[far]!, empty);
    distances[far] = 0; // on its own center now: not taken twice
    upper[far] = 0;
    lower[far] = 0;
    moves += 1;
  }
  return moves;
}

/** Squared euclidean distance between a[ai .. ai + d) and b[bi .. bi + d). */
function squaredDistance(
  a: Float64Array,
  ai: number,
  b: Float64Array,
  bi: number,
  d: number,
): number {
  let s = 0;
  for (let j = 0; j < d; j += 1) {
    const diff = a[ai + j]! - b[bi + j]!;
    s += diff * diff;
  }
  return s;
}

function columnMeans(x: Matrix): Float64Array {
  const { rows: n, cols: d, data } = x;
  const means = new Float64Array(d);
  for (let p = 0; p < n * d; p += 1) means[p % d] = means[p % d]! + data[p]!;
  for (let j = 0; j < d; j += 1) means[j] = means[j]! / n;
  return means;
}

/** The mean over columns of each column's population variance (of centered data). */
function meanColumnVariance(xc: Matrix): number {
  const { rows: n, cols: d, data } = xc;
  let total = 0;
  for (let p = 0; p < n * d; p += 1) total += data[p]! * data[p]!;
  return total / (n * d);
}

/** The rows' root mean square norm: the scale of their distances, for the bound tests' margin. */
function rootMeanSquare(data: Float64Array, n: number): number {
  let total = 0;
  for (let p = 0; p < data.length; p += 1) total += data[p]! * data[p]!;
  return Math.sqrt(total / n);
}

/** Rows per cluster. */
export function clusterSizes(labels: ArrayLike<number>, k: number): number[] {
  const sizes = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i += 1) sizes[labels[i]!] = (sizes[labels[i]!] ?? 0) + 1;
  return sizes;
}
