import { parseConfigContract } from './contracts.ts';
import { ConfigError, NotFoundError } from './errors.ts';
import { isIdentifier } from './identifiers.ts';
import type { BlobStore, Catalog, Contract } from './ports.ts';

/** Where ingest keeps the contract it inferred from a dataset's first file. */
export const inferredContractKey = (dataset: string) => `catalog/${dataset}/contract.json`;
/** Where a person puts a contract of their own; it wins over the inferred one. */
export const configContractKey = (dataset: string) => `config/contracts/${dataset}.json`;

/**
 * Contracts kept in the lake itself: the local catalog, and the contract store behind the
 * Glue tables in AWS. A contract a person provides at `config/contracts/<dataset>.json` is
 * validated on every read (a broken one is a ConfigError naming the file, so the ingest or
 * run that needed it stops and says why); otherwise the inferred one at
 * `catalog/<dataset>/contract.json` is used.
 */
export function lakeCatalog(store: BlobStore): Catalog {
  const textOf = async (key: string) => {
    try {
      return await store.getText(key);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  };
  return {
    async getContract(dataset) {
      const configKey = configContractKey(dataset);
      const config = await textOf(configKey);
      if (config !== undefined) return parseConfigContract(config, store.url(configKey), dataset);
      const inferred = await textOf(inferredContractKey(dataset));
      return inferred === undefined ? undefined : (JSON.parse(inferred) as Contract);
    },
    /**
     * An inferred (or evolved inferred) contract goes to `catalog/`; it is refused when a
     * person's contract exists, as the caller worked from a contract that is not the
     * dataset's (one that appeared after the caller read the catalog) and writing would
     * hide that. A config contract (a person's, through a tool or a test) is validated
     * and written to `config/contracts/`: ingest never puts one.
     */
    async putContract(contract) {
      const configKey = configContractKey(contract.dataset);
      const text = JSON.stringify(contract, null, 2) + '\n';
      if (contract.source === 'config') {
        parseConfigContract(text, store.url(configKey), contract.dataset);
        await store.put(configKey, text, 'application/json');
        return;
      }
      if (await store.head(configKey)) {
        throw new ConfigError(
          `The contract of ${contract.dataset} is the one a person provides at ${store.url(configKey)}; ingest does not replace it with an inferred one`,
        );
      }
      await store.put(inferredContractKey(contract.dataset), text, 'application/json');
    },
    async listDatasets() {
      const [inferred, config] = await Promise.all([
        store.list('catalog/'),
        store.list('config/contracts/'),
      ]);
      const names = [
        ...inferred.map((o) => /^catalog\/([^/]+)\/contract\.json$/.exec(o.key)?.[1]),
        // Other files there (a README, `orders.json.bak`) are not contracts.
        ...config.map((o) => /^config\/contracts\/([^/]+)\.json$/.exec(o.key)?.[1]),
      ].filter((d): d is string => d !== undefined && isIdentifier(d));
      return [...new Set(names)].sort();
    },
  };
}
