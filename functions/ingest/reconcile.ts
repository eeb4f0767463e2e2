import { assertDatasetName, lakeKeyProblem } from '#platform/identifiers.ts';
import type { BlobInfo, BlobStore, Manifest } from '#platform/ports.ts';
import { ownedKeys } from './replace-versions.ts';
import { datasetFromKey, sourceIdOf } from './source-id.ts';

/**
 * What became of one version of a raw object (DESIGN.md, "The lake"). Terminal:
 * - `ingested`: its manifest is in the lake, accounting holds (rows read = rows curated +
 *   rows quarantined) and every output the manifest names is there;
 * - `rejected`: the same, with a `fileError`: the whole file was refused (its rows, if it
 *   had any readable ones, are all in its quarantine);
 * - `replaced`: an older version of a key that now holds other bytes, not yet ingested; its
 *   manifest and rows stay until the new version's ingest removes them.
 * Problems:
 * - `pending`: no manifest for this version: never ingested, an ingest under way, or one that
 *   stopped before writing its manifest (the manifest is written last);
 * - `broken`: a manifest that is unreadable, does not match its object, breaks the accounting
 *   or names outputs that are missing; an older version whose outputs were not removed after
 *   the new version was ingested (its rows count twice); or a manifest whose raw object is
 *   no longer under incoming/.
 */
export type SourceOutcome = 'ingested' | 'rejected' | 'replaced' | 'pending' | 'broken';

export const SOURCE_OUTCOMES: readonly SourceOutcome[] = [
  'ingested',
  'rejected',
  'replaced',
  'pending',
  'broken',
];

/** Outcomes after which nothing is left to do for that version. */
export const TERMINAL_OUTCOMES: readonly SourceOutcome[] = ['ingested', 'rejected', 'replaced'];

/** One version of a raw object and what became of it. */
export interface SourceStatus {
  dataset: string;
  /**
   * The raw object's key (`incoming/<dataset>/...`), as the manifest names it for a version
   * no longer in incoming/; the manifest's own key when that cannot be read.
   */
  key: string;
  /** The version's ETag: the object's, or for a version no longer in incoming/ its manifest's. */
  etag: string;
  versionId?: string;
  sourceId: string;
  /** False for a version that incoming/ no longer holds (replaced, or its object deleted). */
  current: boolean;
  outcome: SourceOutcome;
  /** Key of its manifest, when it has one. */
  manifest?: string;
  rowsRead?: number;
  rowsCurated?: number;
  rowsQuarantined?: number;
  /** Why ingest refused the whole file (`rejected`). */
  fileError?: string;
  ingestedAt?: string;
  /** Why the version is `pending` or `broken`, or what replaced it; empty when all is well. */
  problems: string[];
}

/**
 * A curated or quarantine object that no manifest names. Queries read every Parquet file
 * under `curated/<dataset>/`, so an orphan curated file adds rows no manifest accounts for.
 */
export interface OrphanOutput {
  key: string;
  dataset: string;
  /** The source id in its name. */
  sourceId: string;
  /** The raw object whose current version has that source id, when there is one. */
  sourceKey?: string;
  reason: string;
}

export interface LakeReconciliation {
  /** Every raw object version and every manifest, by key (then ingest time). */
  sources: SourceStatus[];
  orphans: OrphanOutput[];
  counts: Record<SourceOutcome, number> & { orphans: number };
  /** Every version has a terminal outcome and no output is orphaned. */
  ok: boolean;
}

export interface ReconcileOptions {
  /** What is being done, for a large lake (listing incoming/ hashes each file locally). */
  onProgress?: (message: string) => void;
  /** Manifests read at once. @default 16 */
  concurrency?: number;
}

/** A manifest as found at `manifests/<dataset>/<source-id>.json`. */
interface StoredManifest {
  key: string;
  /** The dataset and source id its key names. */
  dataset: string;
  sourceId: string;
  manifest?: Manifest;
  /** Why it could not be read as a manifest. */
  error?: string;
}

const MANIFEST_KEY = /^manifests\/([^/]+)\/([^/]+)\.json$/;
const CURATED_KEY = /^curated\/([^/]+)\/(?:.+\/)?([^/]+)\.parquet$/;
const QUARANTINE_KEY = /^quarantine\/([^/]+)\/([^/]+)\.jsonl$/;

/**
 * Reconciles the lake over the BlobStore port alone, so the same check runs on the local
 * folder and on S3: every raw object under `incoming/` is looked up by its source id (key
 * and ETag) among the manifests and classified (SourceOutcome); manifests no current object
 * claims are classified too (`replaced` or `broken`); curated and quarantine objects that no
 * manifest names are orphans. Reads manifests and listings only, never the data files, and
 * changes nothing.
 *
 * The port lists the current version of each key: the local lake keeps no other, and S3's
 * noncurrent versions (a versioned bucket) were never ingested on their own (ingest reads a
 * key's current version), so they are `replaced` by construction and not listed. A lake
 * that is being ingested into while it is checked shows versions in progress as `pending`.
 */
export async function reconcileLake(
  store: BlobStore,
  options: ReconcileOptions = {},
): Promise<LakeReconciliation> {
  const progress = options.onProgress ?? (() => {});
  progress('listing incoming/ (raw objects and their ETags)');
  // A key ending in `/` is a console "folder", no file: the ingest rule skips it too.
  const raw = (await store.list('incoming/')).filter((o) => !o.key.endsWith('/'));
  const manifestKeys = (await store.listKeys('manifests/')).filter((k) => MANIFEST_KEY.test(k));
  progress(`${raw.length} raw object(s); reading ${manifestKeys.length} manifest(s)`);
  const stored = await mapLimited(manifestKeys, options.concurrency ?? 16, (key) =>
    readManifest(store, key),
  );
  const outputs = [
    ...(await store.listKeys('curated/')).filter((k) => CURATED_KEY.test(k)),
    ...(await store.listKeys('quarantine/')).filter((k) => QUARANTINE_KEY.test(k)),
  ];
  const present = new Set(outputs);

  const byId = groupBy(stored, (s) => s.sourceId);
  const rawByKey = new Map(raw.map((o) => [o.key, o]));
  const claimed = new Set<StoredManifest>();
  const sources: SourceStatus[] = [];

  for (const object of raw) {
    const sourceId = sourceIdOf(object.key, object.etag);
    const found = byId.get(sourceId) ?? [];
    for (const s of found) claimed.add(s);
    sources.push(
      found.length === 0
        ? pending(object, sourceId, stored)
        : ofCurrent(object, sourceId, found, present),
    );
  }
  const outcomeOfKey = new Map(sources.map((s) => [s.key, s]));
  for (const s of stored) {
    if (!claimed.has(s)) sources.push(ofUnclaimed(s, rawByKey, outcomeOfKey, present));
  }
  sources.sort(
    (a, b) =>
      compare(a.key, b.key) ||
      Number(a.current) - Number(b.current) ||
      compare(a.ingestedAt ?? '', b.ingestedAt ?? '') ||
      compare(a.sourceId, b.sourceId),
  );

  const orphans = orphanOutputs(outputs, stored, raw);
  const counts = { ingested: 0, rejected: 0, replaced: 0, pending: 0, broken: 0, orphans: 0 };
  for (const s of sources) counts[s.outcome] += 1;
  counts.orphans = orphans.length;
  const ok = orphans.length === 0 && sources.every((s) => TERMINAL_OUTCOMES.includes(s.outcome));
  return { sources, orphans, counts, ok };
}

/** A current object with no manifest of its version. */
function pending(
  object: BlobInfo,
  sourceId: string,
  stored: readonly StoredManifest[],
): SourceStatus {
  const problems = [
    'no manifest: not ingested yet, being ingested, or its ingest stopped before writing the manifest',
  ];
  const refused = refusal(object.key);
  if (refused) problems.push(`ingest refuses this object: ${refused}`);
  const older = stored.filter((s) => s.manifest?.sourceKey === object.key);
  for (const s of older) {
    problems.push(
      `the lake still holds the rows of an earlier version (source id ${s.sourceId}) until this one is ingested`,
    );
  }
  return {
    dataset: older[0]?.dataset ?? datasetFromKey(object.key),
    ...identity(object),
    sourceId,
    current: true,
    outcome: 'pending',
    problems,
  };
}

/** A current object and the manifest(s) of its source id. */
function ofCurrent(
  object: BlobInfo,
  sourceId: string,
  found: readonly StoredManifest[],
  present: ReadonlySet<string>,
): SourceStatus {
  const [first] = found as [StoredManifest, ...StoredManifest[]];
  const problems = integrity(first, present);
  const m = first.manifest;
  if (m && (m.sourceKey !== object.key || m.sourceEtag !== object.etag)) {
    problems.push(
      `${first.key} is the manifest of ${m.sourceKey} (ETag ${m.sourceEtag}), not of this object`,
    );
  }
  if (m && object.sha256 && m.checksum !== object.sha256) {
    problems.push(
      `${first.key} has checksum ${m.checksum}; the object's bytes hash to ${object.sha256}`,
    );
  }
  if (found.length > 1) {
    problems.push(`ingested into several datasets: ${found.map((s) => s.key).join(', ')}`);
  }
  return {
    dataset: first.dataset,
    ...identity(object),
    sourceId,
    current: true,
    outcome: problems.length > 0 ? 'broken' : m?.fileError ? 'rejected' : 'ingested',
    ...fromManifest(first),
    problems,
  };
}

/** A manifest that no current object claims: an older version of its key, or a lost object. */
function ofUnclaimed(
  s: StoredManifest,
  rawByKey: ReadonlyMap<string, BlobInfo>,
  current: ReadonlyMap<string, SourceStatus>,
  present: ReadonlySet<string>,
): SourceStatus {
  const problems = integrity(s, present);
  const m = s.manifest;
  let outcome: SourceOutcome = 'broken';
  if (m) {
    const now = rawByKey.get(m.sourceKey);
    const newer = current.get(m.sourceKey);
    if (!now) {
      problems.push(
        `its raw object ${m.sourceKey} is no longer under incoming/ (deleted?): the lake still holds its rows`,
      );
    } else if (newer?.outcome === 'pending') {
      if (problems.length === 0) outcome = 'replaced';
      problems.push(
        `replaced by a newer version of the key (source id ${newer.sourceId}), not ingested yet`,
      );
    } else if (newer && now.etag !== m.sourceEtag) {
      problems.push(
        `superseded by the version ingested as ${newer.sourceId}, but its outputs were not removed (its rows count twice): ingest ${m.sourceKey} again to finish the replacement`,
      );
    } else {
      problems.push(
        `stored as source id ${s.sourceId}, but ${m.sourceKey} (ETag ${m.sourceEtag}) has source id ${sourceIdOf(m.sourceKey, m.sourceEtag)}`,
      );
    }
  }
  const key = typeof m?.sourceKey === 'string' ? m.sourceKey : s.key;
  return {
    dataset: s.dataset,
    key,
    etag: typeof m?.sourceEtag === 'string' ? m.sourceEtag : '',
    sourceId: s.sourceId,
    current: false,
    outcome,
    ...fromManifest(s),
    problems,
  };
}

/** What is wrong with a manifest on its own: readable, where it should be, accounting, outputs. */
function integrity(s: StoredManifest, present: ReadonlySet<string>): string[] {
  const m = s.manifest;
  if (!m) return [`${s.key}: ${s.error}`];
  const problems: string[] = [];
  if (m.dataset !== s.dataset || m.sourceId !== s.sourceId) {
    problems.push(
      `${s.key} says dataset ${m.dataset}, source id ${m.sourceId}: not the ones its key names`,
    );
  }
  if (m.rowsRead !== m.rowsCurated + m.rowsQuarantined) {
    problems.push(
      `accounting does not hold: ${m.rowsRead} rows read, ${m.rowsCurated} curated + ${m.rowsQuarantined} quarantined`,
    );
  }
  if (m.rowsCurated > 0 && m.partitions.length === 0) {
    problems.push(`${m.rowsCurated} rows curated, but the manifest names no partition`);
  }
  for (const key of ownedKeys(m)) {
    if (!present.has(key)) problems.push(`missing ${key}, which the manifest names`);
  }
  return problems;
}

/**
 * Curated and quarantine objects no manifest names: written by an ingest that has not
 * written its manifest (yet), left by an interrupted run, or put there by hand.
 */
function orphanOutputs(
  outputs: readonly string[],
  stored: readonly StoredManifest[],
  raw: readonly BlobInfo[],
): OrphanOutput[] {
  const named = new Set(stored.flatMap((s) => (s.manifest ? ownedKeys(s.manifest) : [])));
  const manifestOf = new Map(stored.map((s) => [s.sourceId, s]));
  const rawOf = new Map(raw.map((o) => [sourceIdOf(o.key, o.etag), o.key]));
  const orphans: OrphanOutput[] = [];
  for (const key of outputs) {
    if (named.has(key)) continue;
    const [, dataset, sourceId] = (CURATED_KEY.exec(key) ??
      QUARANTINE_KEY.exec(key))! as unknown as [string, string, string];
    const sourceKey = rawOf.get(sourceId);
    const manifest = manifestOf.get(sourceId);
    const reason = manifest
      ? manifest.manifest
        ? `its source's manifest ${manifest.key} does not name it (left by an interrupted run?)`
        : `its source's manifest ${manifest.key} cannot be read`
      : sourceKey
        ? `no manifest: ${sourceKey} is pending (an ingest under way, or one that stopped before its manifest)`
        : `no manifest has source id ${sourceId} (left by a removed version, or put here by hand)`;
    orphans.push({ key, dataset, sourceId, ...(sourceKey ? { sourceKey } : {}), reason });
  }
  return orphans;
}

async function readManifest(store: BlobStore, key: string): Promise<StoredManifest> {
  const [, dataset, sourceId] = MANIFEST_KEY.exec(key)! as unknown as [string, string, string];
  let parsed: unknown;
  try {
    parsed = JSON.parse(await store.getText(key));
  } catch (error) {
    return { key, dataset, sourceId, error: `not JSON: ${(error as Error).message}` };
  }
  const error = manifestProblem(parsed);
  return error
    ? { key, dataset, sourceId, error }
    : { key, dataset, sourceId, manifest: parsed as Manifest };
}

/** What a manifest lacks of the fields the check reads, or undefined. */
function manifestProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'not a manifest (not a JSON object)';
  }
  const m = value as Record<string, unknown>;
  for (const field of ['dataset', 'sourceId', 'sourceKey', 'sourceEtag', 'checksum']) {
    if (typeof m[field] !== 'string') return `not a manifest: ${field} is not a string`;
  }
  for (const field of ['rowsRead', 'rowsCurated', 'rowsQuarantined']) {
    const n = m[field];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
      return `not a manifest: ${field} is not a count`;
    }
  }
  if (!Array.isArray(m['partitions']) || !m['partitions'].every((p) => typeof p === 'string')) {
    return 'not a manifest: partitions is not a list of names';
  }
  if (m['fileError'] !== undefined && typeof m['fileError'] !== 'string') {
    return 'not a manifest: fileError is not a string';
  }
  return undefined;
}

function fromManifest(s: StoredManifest): Partial<SourceStatus> {
  const m = s.manifest;
  if (!m) return { manifest: s.key };
  return {
    manifest: s.key,
    rowsRead: m.rowsRead,
    rowsCurated: m.rowsCurated,
    rowsQuarantined: m.rowsQuarantined,
    ...(m.fileError !== undefined ? { fileError: m.fileError } : {}),
    ...(typeof m.ingestedAt === 'string' ? { ingestedAt: m.ingestedAt } : {}),
  };
}

function identity(object: BlobInfo): Pick<SourceStatus, 'key' | 'etag' | 'versionId'> {
  return {
    key: object.key,
    etag: object.etag,
    ...(object.versionId ? { versionId: object.versionId } : {}),
  };
}

/** Why ingest would refuse the key or its dataset name, if it would. */
function refusal(key: string): string | undefined {
  const problem = lakeKeyProblem(key);
  if (problem) return `the key is not a safe lake key: ${problem}`;
  try {
    assertDatasetName(datasetFromKey(key));
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return groups;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
