import {
  CreateTableCommand,
  GetTableCommand,
  UpdateTableCommand,
  type GlueClient,
  type Table,
  type TableInput,
} from '@aws-sdk/client-glue';
import type { Catalog, Clock, Contract } from '../ports.ts';
import { systemClock } from '../runtime.ts';
import { filesTableName, glueTableInput, snapshotsFromOf, tableDiffers } from './glue-table.ts';
import { glueViewInput } from './glue-view.ts';
import { DEFAULT_RETRY_POLICY, withRetries, type RetryPolicy } from './retry.ts';

export interface GlueCatalogOptions {
  /** The Glue database of the lake (GLUE_DATABASE). */
  database: string;
  /** The lake bucket the tables point into. */
  bucket: string;
  /** Today, for the first day of a new snapshot table's projection. */
  clock?: Clock;
  /** Retries on throttling and transient failures; build the client with SDK_RETRIES_OFF. */
  retry?: Partial<RetryPolicy>;
}

export type TableChange = 'created' | 'updated' | 'unchanged';

/**
 * The lake's contract store (`base`), with each dataset's Glue table and view kept in step
 * with its contract as it is stored, so Athena can query what ingest curates. A contract that is
 * never stored here (a person's, from config/) or a table that failed or went missing
 * later is the ingest handler's to sync (functions/handlers/ingest.ts).
 */
export function glueCatalog(base: Catalog, glue: GlueClient, options: GlueCatalogOptions): Catalog {
  const sync = glueTableSync(glue, options);
  return {
    getContract: (dataset) => base.getContract(dataset),
    listDatasets: () => base.listDatasets(),
    // The contract first: base refuses a contract that is not ingest's to store, and then
    // no table must be made from it.
    async putContract(contract) {
      await base.putContract(contract);
      await sync(contract);
    },
  };
}

/**
 * Brings a dataset's two Glue objects in line with its contract: the table of its files
 * (`<dataset>__files`) first, then the view Athena queries (`<dataset>`, each id once), so
 * the view never names a table that is not there. Each is created, updated where it differs
 * (a contract that gained or changed a column changes both), or left. The answer is the
 * most that happened to either: `created`, else `updated`, else `unchanged`.
 *
 * A dataset synced before the view existed has its files' table under the dataset's own
 * name: its projection's first snapshot day carries over to the new files table, and the
 * view replaces it by UpdateTable (the ingest role may not delete tables).
 */
export function glueTableSync(
  glue: GlueClient,
  options: GlueCatalogOptions,
): (contract: Contract) => Promise<TableChange> {
  const { database, bucket } = options;
  const clock = options.clock ?? systemClock;
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const call = <T>(what: string, table: string, send: () => Promise<T>) =>
    withRetries(`Glue ${what} ${database}.${table}`, send, policy);

  const getTable = async (name: string): Promise<Table | undefined> => {
    try {
      const out = await call('GetTable', name, () =>
        glue.send(new GetTableCommand({ DatabaseName: database, Name: name })),
      );
      return out.Table;
    } catch (error) {
      if ((error as { name?: string }).name === 'EntityNotFoundException') return undefined;
      throw error;
    }
  };

  /** Creates the table `want` describes given what Glue holds, updates it, or leaves it. */
  const upsert = async (
    name: string,
    want: (existing: Table | undefined) => Promise<TableInput>,
    raced = false,
  ): Promise<TableChange> => {
    const existing = await getTable(name);
    const wanted = await want(existing);
    if (existing) {
      if (!tableDiffers(existing, wanted)) return 'unchanged';
      await call('UpdateTable', name, () =>
        glue.send(new UpdateTableCommand({ DatabaseName: database, TableInput: wanted })),
      );
      return 'updated';
    }
    try {
      await call('CreateTable', name, () =>
        glue.send(new CreateTableCommand({ DatabaseName: database, TableInput: wanted })),
      );
      return 'created';
    } catch (error) {
      // Made meanwhile by someone else (or by our own attempt whose answer was lost): compare.
      if ((error as { name?: string }).name === 'AlreadyExistsException' && !raced) {
        return upsert(name, want, true);
      }
      throw error;
    }
  };

  return async (contract) => {
    const files = await upsert(filesTableName(contract.dataset), async (existing) =>
      glueTableInput(contract, {
        bucket,
        // A table keeps the first day it was given, so earlier snapshots stay visible; a new
        // one takes it from the table it replaces (a dataset synced before views), or today.
        snapshotsFrom:
          snapshotsFromOf(existing) ??
          (existing ? undefined : snapshotsFromOf(await getTable(contract.dataset))) ??
          clock.now().toISOString().slice(0, 10),
      }),
    );
    const view = await upsert(contract.dataset, async () => glueViewInput(contract, database));
    const both = [files, view];
    return both.includes('created')
      ? 'created'
      : both.includes('updated')
        ? 'updated'
        : 'unchanged';
  };
}
