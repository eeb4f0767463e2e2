import type { BlobStore, Manifest } from '#platform/ports.ts';
import { lakeKeys } from './lake-keys.ts';

/** The manifests of earlier ingests of the same lake key (any version of the file). */
export async function manifestsOfKey(
  store: BlobStore,
  dataset: string,
  key: string,
): Promise<Manifest[]> {
  // Keys only: a listing with ETags would hash every manifest of a local lake.
  const keys = await store.listKeys(`manifests/${dataset}/`);
  const manifests = await Promise.all(
    keys
      .filter((key) => key.endsWith('.json'))
      .map(async (key) => JSON.parse(await store.getText(key)) as Manifest),
  );
  return manifests.filter((m) => m.sourceKey === key);
}

/**
 * After the new version's outputs and manifest are written: removes what older versions of
 * the same key wrote (their curated files, quarantine and manifest), so that a new version
 * replaces the rows of the old. For an earlier ingest of this very version it removes only
 * what the new run did not rewrite (a partition that no longer has rows).
 */
export async function removeSuperseded(
  store: BlobStore,
  current: Manifest,
  earlier: readonly Manifest[],
): Promise<void> {
  const kept = new Set(ownedKeys(current));
  for (const old of earlier) {
    const stale = ownedKeys(old).filter((k) => !kept.has(k));
    if (old.sourceId !== current.sourceId) stale.push(lakeKeys.manifest(old.dataset, old.sourceId));
    for (const key of stale) await store.delete(key);
  }
}

/** The outputs a manifest names: its curated files, and its quarantine when it has rows. */
export function ownedKeys(m: Manifest): string[] {
  const keys = m.partitions.map((p) => lakeKeys.curated(m.dataset, p, m.sourceId));
  if (m.rowsQuarantined > 0) keys.push(lakeKeys.quarantine(m.dataset, m.sourceId));
  return keys;
}

/**
 * Removes the curated files of this source id that its manifest does not list: what an
 * interrupted earlier run of the same version wrote and this run did not rewrite.
 */
export async function removeUnlisted(store: BlobStore, manifest: Manifest): Promise<void> {
  const listed = new Set(ownedKeys(manifest));
  for (const key of await store.listKeys(`curated/${manifest.dataset}/`)) {
    if (key.endsWith(`/${manifest.sourceId}.parquet`) && !listed.has(key)) await store.delete(key);
  }
}
