import { Architecture, Code, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  BINDING_PACKAGES,
  ensureDuckDbLayer,
  type DuckDbArchitecture,
  type DuckDbLayerBuild,
} from '../../layers/duckdb/build.ts';
import { LAMBDA_RUNTIME } from './insights-function.ts';

/**
 * Context key: the layer's root folder, instead of layers/duckdb/build (x86_64) or
 * layers/duckdb/build-arm64. Tests point it at a layer they built; a user can point it at an
 * arm64 layer built on another machine.
 */
export const DUCKDB_LAYER_DIR_CONTEXT = 'duckdbLayer:dir';

export interface DuckDbLayerProps {
  /**
   * The Lambda architecture of the native binding, and so of every function that loads
   * DuckDB from the layer (`insights:duckdbArchitecture`).
   * @default 'x86_64'
   */
  readonly architecture?: DuckDbArchitecture;
}

/**
 * The embedded DuckDB (Node API + native binding) as a Lambda layer (see
 * layers/duckdb/build.ts). x86_64: the linux-x64 (glibc) binding installed on this machine,
 * assembled offline from node_modules at synth time when missing or stale. arm64: the
 * linux-arm64 (glibc) binding from the npm registry, at the version and integrity
 * package-lock.json pins, built beforehand by `npm run layer:arm64`; synth never downloads
 * and fails naming that command when the build is missing or stale.
 */
export class DuckDbLayer extends Construct {
  /** Lambda's Architecture for a layer architecture. */
  static lambdaArchitecture(architecture: DuckDbArchitecture): Architecture {
    return architecture === 'arm64' ? Architecture.ARM_64 : Architecture.X86_64;
  }

  readonly layer: LayerVersion;
  readonly build: DuckDbLayerBuild;
  /** What the native binary is built for: a function that uses the layer must run on it. */
  readonly architecture: Architecture;

  constructor(scope: Construct, id: string, props: DuckDbLayerProps = {}) {
    super(scope, id);
    const architecture = props.architecture ?? 'x86_64';
    const outDir = this.node.tryGetContext(DUCKDB_LAYER_DIR_CONTEXT) as string | undefined;
    // No tarball source: an arm64 build must already exist; x86_64 is built from node_modules.
    this.build = ensureDuckDbLayer({ architecture, ...(outDir ? { outDir } : {}) });
    this.architecture = DuckDbLayer.lambdaArchitecture(architecture);
    const version = this.build.versions['@duckdb/node-api'];
    const platform = BINDING_PACKAGES[architecture].replace('@duckdb/node-bindings-', '');
    this.layer = new LayerVersion(this, 'Layer', {
      code: Code.fromAsset(this.build.dir, { exclude: [this.build.manifestFile] }),
      compatibleRuntimes: [LAMBDA_RUNTIME],
      compatibleArchitectures: [this.architecture],
      description: `@duckdb/node-api ${version} with its ${platform} native binding`,
    });
  }
}
