/** Small readers of chart markup for the tests (no XML parser among our dependencies). */

/** Every start tag of `name` with the given class token (e.g. `mark`), as its attribute text. */
export function tags(svg: string, name: string, className?: string): string[] {
  const found: string[] = [];
  for (const m of svg.matchAll(new RegExp(`<${name}\\b([^>]*)>`, 'g'))) {
    const attrs = m[1] ?? '';
    const classes = /\bclass="([^"]*)"/.exec(attrs)?.[1]?.split(' ') ?? [];
    if (className === undefined || classes.includes(className)) found.push(attrs);
  }
  return found;
}

export function attr(attrs: string, name: string): string {
  const value = new RegExp(`\\b${name}="([^"]*)"`).exec(attrs)?.[1];
  if (value === undefined) throw new Error(`no ${name} in ${attrs}`);
  return value;
}

/** Text contents of `<text>` elements (their own text, tooltips removed). */
export function texts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>(?:<title>[^<]*<\/title>)?([^<]*)<\/text>/g)].map(
    (m) => m[1] ?? '',
  );
}

/**
 * Throws unless the markup is well formed: tags balanced and nested, attribute values quoted,
 * no raw `<`, `>` or `&` outside tags and entities.
 */
export function assertWellFormed(svg: string): void {
  const stack: string[] = [];
  const token = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < svg.length && (m = token.exec(svg)) !== null) {
    at = token.lastIndex;
    const [, closing, name, , selfClosing, text] = m;
    if (text !== undefined) {
      if (/[<>]|&(?!(?:amp|lt|gt|quot|#39);)/.test(text))
        throw new Error(`raw markup in text: ${text}`);
    } else if (closing) {
      if (stack.pop() !== name) throw new Error(`unbalanced </${name}> at ${at}`);
    } else if (!selfClosing) {
      stack.push(name as string);
    }
  }
  if (at !== svg.length) throw new Error(`not markup at ${at}: ${svg.slice(at, at + 40)}`);
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
}
