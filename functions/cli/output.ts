import { writeFile } from 'node:fs/promises';
import type { Progress } from './progress.ts';

/**
 * A command's result to the file `out`, or to stdout, saying on stderr what it was (`what`)
 * and where it went. A file that cannot be written is a clear error, not a stack trace:
 * returns false after saying why.
 */
export async function writeResult(
  text: string,
  out: string | undefined,
  what: string,
  io: { stdout: NodeJS.WritableStream; progress: Progress },
): Promise<boolean> {
  if (out === undefined) {
    io.stdout.write(text);
    io.progress.info(what);
    return true;
  }
  try {
    await writeFile(out, text);
  } catch (error) {
    io.progress.error(`Cannot write ${out}: ${(error as Error).message}`);
    return false;
  }
  io.progress.info(`${what}: written to ${out}`);
  return true;
}
