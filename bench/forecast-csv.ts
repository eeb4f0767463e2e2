/** Minimal CSV for the files R's write.csv writes (quoted strings, no embedded quotes or newlines). */
export function parseCsv(text: string): Record<string, string>[] {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const split = (l: string) => l.split(',').map((f) => f.replace(/^"(.*)"$/, '$1'));
  const head = split(lines[0] ?? '');
  return lines.slice(1).map((l) => {
    const f = split(l);
    return Object.fromEntries(head.map((h, i) => [h, f[i] ?? '']));
  });
}

/** A CSV of plain fields (names without commas or quotes, numbers). */
export function toCsvText(head: string[], rows: (string | number)[][]): string {
  return [head, ...rows].map((r) => r.join(',')).join('\n') + '\n';
}
