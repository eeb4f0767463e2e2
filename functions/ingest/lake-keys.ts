/** The lake keys of a source file's outputs. */
export const lakeKeys = {
  curated: (dataset: string, partition: string, sourceId: string) =>
    `curated/${dataset}/${partition}/${sourceId}.parquet`,
  quarantine: (dataset: string, sourceId: string) => `quarantine/${dataset}/${sourceId}.jsonl`,
  manifest: (dataset: string, sourceId: string) => `manifests/${dataset}/${sourceId}.json`,
};
