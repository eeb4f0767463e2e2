import type { EventBridgeEvent } from 'aws-lambda';
import { ingestObject } from '#ingest/ingest.ts';
import type { Catalog, Contract } from '#platform/ports.ts';
import { awsIngestDeps } from './aws-deps.ts';
import { step, type HandlerDeps } from './middleware.ts';

type ObjectCreated = EventBridgeEvent<
  'Object Created',
  { bucket: { name: string }; object: { key: string } }
>;

export interface IngestHandlerDeps extends HandlerDeps {
  /** Brings the dataset's query table in line with its contract (Glue in AWS; none locally). */
  syncTable?: (contract: Contract) => Promise<string>;
}

export const makeHandler = (deps: IngestHandlerDeps) =>
  step(deps, async (rt, event: ObjectCreated, logger, telemetry) => {
    const key = await resolveKey(event.detail.object.key, (k) => rt.store.head(k).then(Boolean));
    const { manifest, rejectedSample } = await ingestObject(
      {
        store: rt.store,
        catalog: rt.catalog,
        duck: await rt.duck(),
        clock: rt.clock,
        workDir: rt.workDir,
      },
      { key },
    );
    telemetry.annotate('dataset', manifest.dataset);
    const table = await syncTable(deps, rt.catalog, manifest.dataset);
    logger.info('ingested', { key, manifest, table, rejectedSample: rejectedSample.slice(0, 5) });
    // Named after the ingested version, so a re-delivered event starts no second run.
    const execution = rt.startRun ? await rt.startRun(runNameFor(manifest)) : undefined;
    // Counted once the file is done: an invocation that fails and is retried counts its rows once.
    telemetry.count('RowsIngested', manifest.rowsCurated);
    telemetry.count('RowsQuarantined', manifest.rowsQuarantined);
    return { manifest, table, execution };
  });

/**
 * After every file, not only when ingest stores a contract: a person's contract (config/)
 * is never stored by ingest, and a table that a failed call or a redeployed stack lost
 * comes back with the next file. An unchanged table costs one GetTable.
 */
async function syncTable(
  deps: IngestHandlerDeps,
  catalog: Catalog,
  dataset: string,
): Promise<string | undefined> {
  if (!deps.syncTable) return undefined;
  const contract = await catalog.getContract(dataset);
  return contract ? deps.syncTable(contract) : undefined;
}

/** Execution names stop at 80 characters; the source id (16 hex) comes first so it is never cut. */
export function runNameFor(manifest: { dataset: string; sourceId: string }): string {
  return `ingest-${manifest.sourceId}-${manifest.dataset}`.slice(0, 80);
}

/**
 * S3 notifications URL-encode keys (`+` for spaces); take the key as given when it exists,
 * else its decoded form, so both encodings of the event work.
 */
export async function resolveKey(
  raw: string,
  exists: (key: string) => Promise<boolean>,
): Promise<string> {
  if (await exists(raw)) return raw;
  const decoded = decodeURIComponent(raw.replace(/\+/g, ' '));
  return decoded;
}

export const handler = makeHandler(awsIngestDeps());
