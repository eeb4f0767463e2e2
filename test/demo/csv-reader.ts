/**
 * A small RFC 4180 reader for the tests, written apart from the generator's writer so that
 * a quoting bug in one is not mirrored in the other. Each record keeps the 1-based line on
 * which it starts (the header is line 1).
 */

export interface CsvRecord {
  line: number;
  fields: string[];
}

export interface CsvTable {
  header: string[];
  records: CsvRecord[];
  /** Field by column name, for one record. */
  get(record: CsvRecord, column: string): string;
}

export function readCsv(text: string): CsvTable {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') {
        quoted = false;
      } else {
        if (ch === '\n') line += 1;
        field += ch;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n') {
      fields.push(field);
      records.push({ line: recordLine, fields });
      fields = [];
      field = '';
      line += 1;
      recordLine = line;
    } else if (ch === '"') {
      throw new Error(`line ${line}: a quote inside an unquoted field`);
    } else {
      field += ch;
    }
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    records.push({ line: recordLine, fields });
  }
  const [head, ...rest] = records;
  if (head === undefined) throw new Error('no header');
  const index = new Map(head.fields.map((name, i) => [name, i]));
  return {
    header: head.fields,
    records: rest,
    get(record, column) {
      const at = index.get(column);
      if (at === undefined) throw new Error(`no column ${column}`);
      return record.fields[at] ?? '';
    },
  };
}
