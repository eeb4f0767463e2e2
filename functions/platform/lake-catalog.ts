import { NotFoundError } from './errors.ts';
import type { BlobStore, Catalog, Contract } from './ports.ts';

/**
 * Contracts kept in the lake itself at `catalog/<dataset>/contract.json`: the local
 * catalog, and the contract store behind the Glue tables in AWS.
 */
export function lakeCatalog(store: BlobStore): Catalog {
  const keyOf = (dataset: string) => `catalog/${dataset}/contract.json`;
  return {
    async getContract(dataset) {
      try {
        return JSON.parse(await store.getText(keyOf(dataset))) as Contract;
      } catch (error) {
        if (error instanceof NotFoundError) return undefined;
        throw error;
      }
    },
    async putContract(contract) {
      await store.put(
        keyOf(contract.dataset),
        JSON.stringify(contract, null, 2) + '\n',
        'application/json',
      );
    },
    async listDatasets() {
      const objects = await store.list('catalog/');
      return objects
        .map((o) => /^catalog\/([^/]+)\/contract\.json$/.exec(o.key)?.[1])
        .filter((d): d is string => d !== undefined);
    },
  };
}
