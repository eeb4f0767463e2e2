/**
 * The decisions of `insights watch`, without the filesystem or timers: which files of the
 * drop folder are new or changed, when they have settled, and when the one report run
 * after a burst of ingests is due. Time is whatever clock the caller passes (ms).
 */

/** A file as a scan of the drop folder sees it; `path` is below the folder, `/`-separated. */
export interface SeenFile {
  path: string;
  size: number;
  mtimeMs: number;
}

export type Placement =
  | { kind: 'ignored' }
  | { kind: 'top-level' }
  /** `folder` is the dataset folder's name as written; `name` the path below it. */
  | { kind: 'dataset'; folder: string; name: string };

/** Editors' lock files, partial downloads and copies in progress, OS litter. */
const TEMPORARY = /(^~\$)|(\.(tmp|temp|part|partial|crdownload|download|swp)$)|(~$)/i;

/**
 * Where a file of the drop folder belongs. `<dataset>/<name>` at any depth below the dataset
 * folder (`sales/2024/01.csv` keeps `2024/01.csv` as its name, as a key under
 * `incoming/sales/` would); any hidden part (`.DS_Store`, `.~lock.x#`, `.git/`) or temporary
 * name makes it ignored.
 */
export function placeFile(path: string): Placement {
  const parts = path.split('/');
  if (parts.some((p) => p.startsWith('.') || TEMPORARY.test(p))) return { kind: 'ignored' };
  if (parts.length === 1) return { kind: 'top-level' };
  return { kind: 'dataset', folder: parts[0]!, name: parts.slice(1).join('/') };
}

export interface WatchTiming {
  /** How long a file's size and mtime must stay the same before it is ingested. */
  settleMs: number;
  /** How long after the last ingest (or file activity) the report run starts. */
  quietMs: number;
}

interface Tracked {
  size: number;
  mtimeMs: number;
  /** When this size and mtime were first seen. */
  since: number;
  /** The size and mtime last ingested (or tried); undefined until the first try. */
  handled?: { size: number; mtimeMs: number };
}

export interface Observation {
  /** Settled files that are new or changed since they were last handled, by path. */
  ready: SeenFile[];
  /** Files at the top of the folder, each said once per version. */
  misplaced: string[];
}

export class WatchSchedule {
  private readonly files = new Map<string, Tracked>();
  private readonly misplaced = new Map<string, string>();
  private lastActivity = -Infinity;
  private ingestedSinceRun = 0;

  constructor(private readonly timing: WatchTiming) {}

  /** Takes a scan of the whole folder at `now`. */
  observe(scan: readonly SeenFile[], now: number): Observation {
    const seen = new Set<string>();
    const misplaced: string[] = [];
    for (const file of scan) {
      const placement = placeFile(file.path);
      if (placement.kind === 'ignored') continue;
      if (placement.kind === 'top-level') {
        const version = `${file.size}:${file.mtimeMs}`;
        if (this.misplaced.get(file.path) !== version) misplaced.push(file.path);
        this.misplaced.set(file.path, version);
        continue;
      }
      seen.add(file.path);
      const tracked = this.files.get(file.path);
      if (!tracked) {
        this.files.set(file.path, { size: file.size, mtimeMs: file.mtimeMs, since: now });
        this.lastActivity = now;
      } else if (tracked.size !== file.size || tracked.mtimeMs !== file.mtimeMs) {
        Object.assign(tracked, { size: file.size, mtimeMs: file.mtimeMs, since: now });
        this.lastActivity = now;
      }
    }
    // A deleted file is forgotten: its rows stay in the lake, as after a delete in the bucket.
    for (const path of this.files.keys()) if (!seen.has(path)) this.files.delete(path);
    const present = new Set(scan.map((f) => f.path));
    for (const path of this.misplaced.keys()) if (!present.has(path)) this.misplaced.delete(path);

    const ready = [...this.files]
      .filter(([, t]) => isPending(t) && now - t.since >= this.timing.settleMs)
      .map(([path, t]) => ({ path, size: t.size, mtimeMs: t.mtimeMs }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { ready, misplaced: misplaced.sort() };
  }

  /**
   * A ready file was handled as `file` saw it: ingested (`changedLake`), or skipped as
   * unchanged, or failed. It is tried again only once its size or mtime change.
   */
  handled(file: SeenFile, changedLake: boolean, now: number): void {
    const tracked = this.files.get(file.path);
    if (tracked) tracked.handled = { size: file.size, mtimeMs: file.mtimeMs };
    if (changedLake) {
      this.ingestedSinceRun++;
      this.lastActivity = now;
    }
  }

  /** Files seen but not yet handled in their current version (settling or waiting). */
  get pending(): number {
    return [...this.files.values()].filter(isPending).length;
  }

  /** Files ingested since the last report run. */
  get unreported(): number {
    return this.ingestedSinceRun;
  }

  /**
   * One run after a burst: something was ingested, no file is still settling or waiting,
   * and the folder has been quiet (no new or changed file, no ingest) for the quiet period.
   */
  runDue(now: number): boolean {
    return (
      this.ingestedSinceRun > 0 &&
      this.pending === 0 &&
      now - this.lastActivity >= this.timing.quietMs
    );
  }

  /** A report run started: what was ingested so far is covered. */
  reportStarted(): void {
    this.ingestedSinceRun = 0;
  }
}

function isPending(t: Tracked): boolean {
  return !t.handled || t.handled.size !== t.size || t.handled.mtimeMs !== t.mtimeMs;
}
