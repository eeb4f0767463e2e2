import { localRuntime, type LocalOptions, type LocalRuntime } from '#platform/local/runtime.ts';
import type { Progress } from './progress.ts';

/**
 * Runs a command on the local runtime and returns its exit code: an error is printed
 * (its message, not a stack) and becomes exit code 1; the runtime is always closed.
 */
export async function withLocalRuntime(
  options: LocalOptions,
  progress: Progress,
  command: (runtime: LocalRuntime) => Promise<number>,
): Promise<number> {
  let runtime: LocalRuntime | undefined;
  try {
    runtime = await localRuntime(options);
    return await command(runtime);
  } catch (error) {
    progress.error(error instanceof Error ? error.message : String(error));
    return 1;
  } finally {
    runtime?.close();
  }
}
