import { Architecture, Code, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ensureDuckDbLayer, type DuckDbLayerBuild } from '../../layers/duckdb/build.ts';
import { LAMBDA_RUNTIME } from './insights-function.ts';

/**
 * The embedded DuckDB (Node API + native binding) as a Lambda layer, assembled offline from
 * the repo's node_modules (see layers/duckdb/build.ts) when missing or stale.
 */
export class DuckDbLayer extends Construct {
  /**
   * The binary is the linux-x64 (glibc) build installed on this machine. An arm64 layer
   * built from the registry is a later issue.
   */
  static readonly ARCHITECTURE = Architecture.X86_64;

  readonly layer: LayerVersion;
  readonly build: DuckDbLayerBuild;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.build = ensureDuckDbLayer();
    const version = this.build.versions['@duckdb/node-api'];
    this.layer = new LayerVersion(this, 'Layer', {
      code: Code.fromAsset(this.build.dir, { exclude: [this.build.manifestFile] }),
      compatibleRuntimes: [LAMBDA_RUNTIME],
      compatibleArchitectures: [DuckDbLayer.ARCHITECTURE],
      description: `@duckdb/node-api ${version} with its linux-x64 native binding`,
    });
  }
}
