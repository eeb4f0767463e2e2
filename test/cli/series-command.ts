import type { CommandIo } from '#cli/series-input.ts';

/** Runs a series command (`forecastCommand`, `detectCommand`) with its output captured. */
export async function captured(
  command: (io: CommandIo) => Promise<number>,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await command({ out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** The CSV the commands print (CRLF, no quoted fields in these tests) as records. */
export function parseCsv(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trimEnd().split('\r\n');
  const names = head!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i]!, v])));
}

/** `n` consecutive days from `start` (YYYY-MM-DD). */
export function dates(start: string, n: number): string[] {
  const t0 = Date.parse(start + 'T00:00:00Z');
  return Array.from({ length: n }, (_, i) =>
    new Date(t0 + i * 86_400_000).toISOString().slice(0, 10),
  );
}
