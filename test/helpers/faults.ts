import { TransientError } from '#platform/errors.ts';
import type { BlobStore, Mailer, QueryEngine } from '#platform/ports.ts';
import type { Runtime } from '#platform/runtime.ts';

/**
 * Adapters that fail on command, for driving the real pipeline through the faults the
 * world throws at it. Each rule names a port operation, which calls it hits, and how it
 * fails:
 * - `throttle`: a TransientError before the call does anything (S3 SlowDown, Athena
 *   TooManyRequests), which the workflow retries;
 * - `timeout`: a TransientError after a pause, the call not done (an adapter's time-out);
 * - `crash`: a plain Error before the call: the process died, nothing written;
 * - `crash-after`: the call is done, then a plain Error: the process died after writing;
 * - `partial`: half the bytes land at the key (a writer that is not atomic), then a plain
 *   Error;
 * - `refuse`: a plain Error, every time it matches: a permanent fault.
 */
export type FaultKind = 'throttle' | 'timeout' | 'crash' | 'crash-after' | 'partial' | 'refuse';

export type FaultOp =
  | 'store.put'
  | 'store.upload'
  | 'store.copy'
  | 'store.getText'
  | 'store.getBytes'
  | 'store.download'
  | 'store.list'
  | 'store.delete'
  | 'engine.query'
  | 'mailer.send';

export interface FaultRule {
  op: FaultOp;
  fault: FaultKind;
  /** Which calls: by the key (store), the SQL (engine) or the subject (mailer). @default all */
  match?: (subject: string) => boolean;
  /** Matching calls let through before the first fault. @default 0 */
  after?: number;
  /** Faults to inject, then the calls go through. @default 1 (`refuse`: every call) */
  times?: number;
}

export interface InjectedFault {
  op: FaultOp;
  fault: FaultKind;
  subject: string;
}

export class FaultPlan {
  readonly injected: InjectedFault[] = [];
  private readonly seen = new Map<FaultRule, number>();

  constructor(private readonly rules: FaultRule[]) {}

  /** The runtime with its store, engine and mailer failing as the rules say. */
  runtime(inner: Runtime): Runtime {
    return {
      ...inner,
      store: this.store(inner.store),
      engine: this.engine(inner.engine),
      mailer: this.mailer(inner.mailer),
    };
  }

  store(inner: BlobStore): BlobStore {
    const writes = (
      op: FaultOp,
      key: string,
      body: Uint8Array | string,
      write: () => Promise<unknown>,
    ) => this.around(op, key, write, () => inner.put(key, half(body)));
    return {
      url: (key) => inner.url(key),
      head: (key) => inner.head(key),
      getBytes: (key) => this.around('store.getBytes', key, () => inner.getBytes(key)),
      getText: (key) => this.around('store.getText', key, () => inner.getText(key)),
      put: (key, body, type) =>
        writes('store.put', key, body, () => inner.put(key, body, type)) as ReturnType<
          BlobStore['put']
        >,
      download: (key, path) => this.around('store.download', key, () => inner.download(key, path)),
      upload: (path, key, type) =>
        this.around(
          'store.upload',
          key,
          () => inner.upload(path, key, type),
          async () => {
            const { readFile } = await import('node:fs/promises');
            await inner.put(key, half(await readFile(path)));
          },
        ),
      copy: (from, to) => this.around('store.copy', to, () => inner.copy(from, to)),
      list: (prefix) => this.around('store.list', prefix, () => inner.list(prefix)),
      listKeys: (prefix) => inner.listKeys(prefix),
      delete: (key) => this.around('store.delete', key, () => inner.delete(key)),
    };
  }

  engine(inner: QueryEngine): QueryEngine {
    return {
      // The rest of the engine as it is (the local engine's refresh of its views).
      ...inner,
      query: (sql, options) => this.around('engine.query', sql, () => inner.query(sql, options)),
      ...(inner.queryWithStats
        ? {
            queryWithStats: (sql: string, options?: Parameters<QueryEngine['query']>[1]) =>
              this.around('engine.query', sql, () => inner.queryWithStats!(sql, options)),
          }
        : {}),
    };
  }

  mailer(inner: Mailer): Mailer {
    return { send: (mail) => this.around('mailer.send', mail.subject, () => inner.send(mail)) };
  }

  /** The rule that hits this call, counting the call against every rule it matches. */
  private hit(op: FaultOp, subject: string): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.op !== op || (rule.match && !rule.match(subject))) continue;
      const n = this.seen.get(rule) ?? 0;
      this.seen.set(rule, n + 1);
      const after = rule.after ?? 0;
      const times = rule.fault === 'refuse' ? Infinity : (rule.times ?? 1);
      if (n >= after && n < after + times) return rule;
    }
    return undefined;
  }

  private async around<T>(
    op: FaultOp,
    subject: string,
    call: () => Promise<T>,
    writeHalf?: () => Promise<unknown>,
  ): Promise<T> {
    const rule = this.hit(op, subject);
    if (!rule) return call();
    this.injected.push({ op, fault: rule.fault, subject });
    const what = `${op} ${subject.slice(0, 80)}`;
    switch (rule.fault) {
      case 'throttle':
        throw new TransientError(`injected: ${what} throttled (SlowDown)`);
      case 'timeout':
        await new Promise((r) => setTimeout(r, 5));
        throw new TransientError(`injected: ${what} timed out`);
      case 'crash':
      case 'refuse':
        throw new Error(`injected: ${what} failed`);
      case 'crash-after':
        await call();
        throw new Error(`injected: the process died after ${what}`);
      case 'partial':
        if (!writeHalf) throw new Error(`a partial fault needs a write, not ${op}`);
        await writeHalf();
        throw new Error(`injected: the process died half way through ${what}`);
    }
  }
}

function half(body: Uint8Array | string): Uint8Array {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return bytes.subarray(0, Math.floor(bytes.length / 2));
}
