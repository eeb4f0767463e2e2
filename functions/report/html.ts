import { createHash } from 'node:crypto';

/**
 * report.html: one self-contained page made from report.md, so the two never disagree.
 * report.md is ours (headings, paragraphs, bullet lists, tables, code spans, bold), so a
 * small converter for that subset is enough; every character of text is HTML-escaped before
 * any tag is added, and a cell's Markdown escapes (\| \< \*) are undone first, so a company
 * called `<script>` prints as text. Charts come in as inline SVG strings placed after the
 * heading they belong to. The page loads nothing and runs nothing: its Content-Security-Policy
 * allows no source at all but its one inline style sheet, by hash.
 */

export interface HtmlOptions {
  /** Inline SVG charts to place after the heading line (as in report.md) they illustrate. */
  charts?: ReadonlyMap<string, readonly string[]>;
}

const STYLE = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --band: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto; padding: 1rem; max-width: 72rem; }
h1 { font-size: 1.7rem; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 0.75rem; padding-bottom: 0.25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; }
h4 { font-size: 1rem; margin: 1.25rem 0 0.5rem; }
p, li { max-width: 60rem; }
code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--band); padding: 0 0.2em; border-radius: 3px; }
.table { overflow-x: auto; margin: 0.5rem 0 1rem; }
table { border-collapse: collapse; font-size: 0.88rem; }
th, td { border: 1px solid var(--line); padding: 0.25rem 0.5rem; vertical-align: top; }
th { background: var(--band); text-align: left; }
td.r, th.r { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: 0.75rem 0 1.25rem; }
figcaption { color: var(--muted); font-size: 0.85rem; margin-top: 0.25rem; }
svg.chart { display: block; width: 100%; max-width: 720px; height: auto; }
@media (max-width: 40rem) { body { padding: 0.5rem; font-size: 14px; } table { font-size: 0.8rem; } }
@media print { body { max-width: none; } h2 { break-after: avoid; } figure, tr { break-inside: avoid; } .table { overflow: visible; } }
`;

/** The page for `markdown` (report.md), with `charts` placed. */
export function renderHtml(markdown: string, title: string, options: HtmlOptions = {}): string {
  const styleHash = createHash('sha256').update(STYLE).digest('base64');
  const csp = `default-src 'none'; style-src 'sha256-${styleHash}'; img-src data:; base-uri 'none'; form-action 'none'`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    markdownToHtml(markdown, options.charts ?? new Map()),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Blocks of our Markdown subset to HTML; charts after the headings they are keyed by. */
export function markdownToHtml(
  markdown: string,
  charts: ReadonlyMap<string, readonly string[]> = new Map(),
): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const heading = /^(#{1,6}) (.*)$/.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      out.push(`<h${level}>${inline(heading[2]!)}</h${level}>`);
      for (const svg of charts.get(line) ?? []) out.push(`<figure>${svg}</figure>`);
      i++;
      continue;
    }
    if (line.startsWith('|')) {
      const rows: string[] = [];
      while (i < lines.length && lines[i]!.startsWith('|')) rows.push(lines[i++]!);
      out.push(tableHtml(rows));
      continue;
    }
    if (line.startsWith('- ')) {
      const items: string[] = [];
      while (i < lines.length && (lines[i]!.startsWith('- ') || /^ {2}\S/.test(lines[i]!))) {
        const l = lines[i++]!;
        if (l.startsWith('- ')) items.push(l.slice(2));
        else items[items.length - 1] += ` ${l.trim()}`;
      }
      out.push(`<ul>\n${items.map((t) => `<li>${inline(t)}</li>`).join('\n')}\n</ul>`);
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && !/^(#{1,6} |\||- )/.test(lines[i]!))
      paragraph.push(lines[i++]!);
    out.push(`<p>${inline(paragraph.join(' '))}</p>`);
  }
  return out.join('\n');
}

function tableHtml(rows: string[]): string {
  const [header, separator, ...body] = rows.map(splitRow);
  const align = (separator ?? []).map((s) => (/^-+:$/.test(s.trim()) ? 'r' : ''));
  const cellTag = (tag: 'th' | 'td', text: string, j: number) =>
    `<${tag}${align[j] ? ' class="r"' : ''}>${inline(text)}</${tag}>`;
  return [
    '<div class="table"><table>',
    `<thead><tr>${(header ?? []).map((c, j) => cellTag('th', c, j)).join('')}</tr></thead>`,
    '<tbody>',
    ...body.map((r) => `<tr>${r.map((c, j) => cellTag('td', c, j)).join('')}</tr>`),
    '</tbody></table></div>',
  ].join('\n');
}

/** The cells of a table row, split on `|` that are not escaped. */
function splitRow(row: string): string[] {
  const cells: string[] = [];
  let current = '';
  const body = row.trim().replace(/^\|/, '').replace(/\|$/, '');
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '\\' && i + 1 < body.length) {
      current += ch + body[i + 1]!;
      i++;
    } else if (ch === '|') {
      cells.push(current.trim());
      current = '';
    } else current += ch;
  }
  cells.push(current.trim());
  return cells;
}

/** Characters `cell()` escapes in report.md, and Markdown's own. */
const ESCAPABLE = /[\\`*_[\]<>|#]/;

/** Inline Markdown (backslash escapes, code spans, bold) to escaped HTML. */
/** A link to a file beside the report: a relative path, no scheme, no way up. */
// Its label may hold what `cell()` escaped (`\|` in a table title), never a bare `]`.
const LINK = /^\[((?:[^\]\\]|\\[\\`*_[\]<>|#])+)\]\(((?!\.\.)[A-Za-z0-9_-][A-Za-z0-9._/-]*)\)/;

function inline(text: string): string {
  let out = '';
  for (let i = 0; i < text.length;) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length && ESCAPABLE.test(text[i + 1]!)) {
      out += escapeHtml(text[i + 1]!);
      i += 2;
    } else if (ch === '`') {
      const end = text.indexOf('`', i + 1);
      if (end < 0) {
        out += escapeHtml(ch);
        i++;
      } else {
        out += `<code>${escapeHtml(text.slice(i + 1, end))}</code>`;
        i = end + 1;
      }
    } else if (ch === '[' && LINK.test(text.slice(i))) {
      // Only the report's own relative links (`[title](tables/kpis.csv)`); a value from the
      // data cannot make one, as `cell()` escapes its brackets.
      const [whole, label, href] = LINK.exec(text.slice(i))!;
      out += `<a href="${escapeHtml(href!)}">${inline(label!)}</a>`;
      i += whole.length;
    } else if (text.startsWith('**', i) && text.indexOf('**', i + 2) > i + 2) {
      const end = text.indexOf('**', i + 2);
      out += `<strong>${inline(text.slice(i + 2, end))}</strong>`;
      i = end + 2;
    } else {
      out += escapeHtml(ch);
      i++;
    }
  }
  return out;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
