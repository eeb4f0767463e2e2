import { describe, expect, it } from 'vitest';
import { escapeHtml, markdownToHtml, renderHtml } from '#report/html.ts';
import { cell } from '#report/format.ts';

describe('markdownToHtml', () => {
  it('turns our Markdown into headings, paragraphs, lists and aligned tables', () => {
    const html = markdownToHtml(
      [
        '# Report',
        '',
        'One line',
        'and its continuation.',
        '',
        '- **sales**: `net_amount` rose',
        '  on Monday.',
        '- second',
        '',
        '| Name | Value |',
        '| --- | ---: |',
        '| a | 1,234 |',
      ].join('\n'),
    );
    expect(html).toBe(
      [
        '<h1>Report</h1>',
        '<p>One line and its continuation.</p>',
        '<ul>\n<li><strong>sales</strong>: <code>net_amount</code> rose on Monday.</li>\n<li>second</li>\n</ul>',
        '<div class="table"><table>\n<thead><tr><th>Name</th><th class="r">Value</th></tr></thead>\n<tbody>\n<tr><td>a</td><td class="r">1,234</td></tr>\n</tbody></table></div>',
      ].join('\n'),
    );
  });

  it("escapes every value from the data, including what report.md's cells escape", () => {
    const evil = [
      '<script>alert(1)</script>',
      '"><img src=x onerror=alert(1)>',
      'a | b',
      "O'Brien & Co",
    ];
    const md = [
      '| Company |',
      '| --- |',
      ...evil.map((e) => `| ${cell(e)} |`),
      '',
      `Note: ${cell(evil[0])}`,
    ].join('\n');
    const html = markdownToHtml(md);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    // An escaped pipe stays in its cell.
    expect(html).toContain('<td>a | b</td>');
    expect(html).toContain('O&#39;Brien &amp; Co');
  });

  it('links only to files beside the report, and a bracketed value from the data stays text', () => {
    const html = markdownToHtml(
      [
        '- [KPIs](tables/kpis.csv)',
        '- [x](javascript:alert(1))',
        '- [up](../../raw/secret.csv)',
        '- [abs](/etc/passwd)',
        `- ${cell('[a](tables/kpis.csv)')}`,
        `- [${cell('Growth / |compared value|')}](tables/kpi-growth.csv)`,
      ].join('\n'),
    );
    expect(html).toContain('<li><a href="tables/kpis.csv">KPIs</a></li>');
    // A title that cell() escaped is still the label of its link.
    expect(html).toContain(
      '<li><a href="tables/kpi-growth.csv">Growth / |compared value|</a></li>',
    );
    expect(html.match(/<a /g)).toHaveLength(2);
    expect(html).toContain('<li>[x](javascript:alert(1))</li>');
    expect(html).toContain('<li>[a](tables/kpis.csv)</li>');
  });

  it('places a chart after the heading it belongs to', () => {
    const charts = new Map([['## Forecasts', ['<svg class="chart"></svg>']]]);
    expect(markdownToHtml('## Forecasts\n\ntext', charts)).toBe(
      '<h2>Forecasts</h2>\n<figure><svg class="chart"></svg></figure>\n<p>text</p>',
    );
  });
});

describe('renderHtml', () => {
  it('is one page that loads and runs nothing: a strict Content-Security-Policy with its style by hash', () => {
    const html = renderHtml('# Report', 'Report <1>');
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-[A-Za-z0-9+/=]+&#39;;/,
    );
    expect(html).toContain('<title>Report &lt;1&gt;</title>');
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    expect(escapeHtml('<&>"\'')).toBe('&lt;&amp;&gt;&quot;&#39;');
  });
});
