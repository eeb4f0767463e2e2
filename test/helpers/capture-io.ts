import { Writable } from 'node:stream';
import { consoleProgress } from '#cli/progress.ts';

/** io for a command: stdout and a progress on a stderr of its own, both kept as text. */
export function captureIo() {
  const sink = () => {
    let text = '';
    const stream = new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        text += chunk.toString();
        done();
      },
    });
    return { stream, text: () => text };
  };
  const out = sink();
  const err = sink();
  return {
    io: { stdout: out.stream, progress: consoleProgress(err.stream) },
    stdout: out.text,
    stderr: err.text,
  };
}
