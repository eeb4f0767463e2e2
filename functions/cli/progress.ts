/** Progress on stderr, so stdout stays for results (the report path) that scripts read. */
export interface Progress {
  step<T>(label: string, work: () => Promise<T>): Promise<T>;
  info(message: string): void;
  warn(message: string): void;
  /** Always shown, quiet or not. */
  error(message: string): void;
}

export function consoleProgress(
  stream: NodeJS.WritableStream = process.stderr,
  quiet = false,
): Progress {
  const write = (line: string) => {
    if (!quiet) stream.write(line + '\n');
  };
  return {
    async step(label, work) {
      const started = performance.now();
      write(`> ${label}`);
      const result = await work();
      write(`  ${label}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return result;
    },
    info: (message) => write(`  ${message}`),
    warn: (message) => write(`  warning: ${message}`),
    error: (message) => stream.write(`error: ${message}\n`),
  };
}
