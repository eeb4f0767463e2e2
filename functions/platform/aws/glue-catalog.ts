import {
  CreateTableCommand,
  GetTableCommand,
  UpdateTableCommand,
  type GlueClient,
  type Table,
} from '@aws-sdk/client-glue';
import type { Catalog, Clock, Contract } from '../ports.ts';
import { systemClock } from '../runtime.ts';
import { glueTableInput, snapshotsFromOf, tableDiffers } from './glue-table.ts';
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
 * The lake's contract store (`base`), with each dataset's Glue table kept in step with its
 * contract as it is stored, so Athena can query what ingest curates. A contract that is
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

/** Creates the dataset's table, updates it if it differs from the contract, or leaves it. */
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

  const upsert = async (contract: Contract, raced = false): Promise<TableChange> => {
    const existing = await getTable(contract.dataset);
    const wanted = glueTableInput(contract, {
      bucket,
      // A table keeps the first day it was given: earlier snapshots stay visible.
      snapshotsFrom: snapshotsFromOf(existing) ?? clock.now().toISOString().slice(0, 10),
    });
    if (existing) {
      if (!tableDiffers(existing, wanted)) return 'unchanged';
      await call('UpdateTable', contract.dataset, () =>
        glue.send(new UpdateTableCommand({ DatabaseName: database, TableInput: wanted })),
      );
      return 'updated';
    }
    try {
      await call('CreateTable', contract.dataset, () =>
        glue.send(new CreateTableCommand({ DatabaseName: database, TableInput: wanted })),
      );
      return 'created';
    } catch (error) {
      // Made meanwhile by someone else (or by our own attempt whose answer was lost): compare.
      if ((error as { name?: string }).name === 'AlreadyExistsException' && !raced) {
        return upsert(contract, true);
      }
      throw error;
    }
  };
  return (contract) => upsert(contract);
}
