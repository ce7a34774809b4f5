/**
 * Reading a numeric series out of a real CSV file.                         docs: docs/data.md
 *
 * The parser follows RFC 4180 as spreadsheets and pandas write it: fields separated by commas, a field in
 * double quotes may hold commas, line breaks and doubled quotes (""), records end with CRLF or LF, the
 * last one may have no line break, and a UTF-8 byte-order mark at the start is dropped. The first record
 * is the header. Blank lines are skipped. Every record remembers the line it starts on, so that an error
 * can say where to look.
 *
 * It is some sixty lines of our own rather than a package: the format is small, and errors that name the
 * file, the line and the column are the part that matters here.
 */
import * as fs from 'fs';
import { ValueError } from '../kernels/tensor';

export interface CsvTable {
  header: string[];
  rows: string[][]; // every row has header.length fields
  lines: number[]; // 1-based line number where each row starts
}

/** Parses CSV text with a header row. `what` names the source in errors (a file name). */
export function parseCsv(text: string, what = 'CSV'): CsvTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte-order mark
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1, recordLine = 1;
  let quoted = false; // inside a quoted field
  let wasQuoted = false; // the current field was quoted (so "" is an empty field, not a blank line)
  const endField = () => {
    fields.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    const blank = fields.length === 1 && fields[0] === '' && !wasQuoted;
    if (!blank) records.push({ fields, line: recordLine });
    fields = [];
    wasQuoted = false;
  };
  for (let k = 0; k < text.length; k++) {
    const ch = text[k];
    if (quoted) {
      if (ch === '"' && text[k + 1] === '"') {
        field += '"';
        k++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"') {
      if (field.trim() !== '') throw new ValueError(`${what} line ${line}: a quote inside an unquoted field; quote the whole field and double the quotes inside it`);
      quoted = true;
      wasQuoted = true;
      field = '';
    } else if (ch === ',') {
      endField();
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[k + 1] === '\n') k++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += ch;
    }
  }
  if (quoted) throw new ValueError(`${what} line ${recordLine}: a quoted field is never closed (a missing ")`);
  if (field !== '' || fields.length || wasQuoted) endRecord();

  if (records.length === 0) throw new ValueError(`${what}: the file is empty; expected a header row and data rows`);
  const header = records[0].fields.map((h) => h.trim());
  const rows: string[][] = [];
  const lines: number[] = [];
  for (const r of records.slice(1)) {
    if (r.fields.length !== header.length) {
      throw new ValueError(`${what} line ${r.line}: expected ${header.length} fields as in the header (${header.join(', ')}), got ${r.fields.length}`);
    }
    rows.push(r.fields);
    lines.push(r.line);
  }
  return { header, rows, lines };
}

/** Values that count as missing rather than malformed. */
const MISSING = new Set(['', 'na', 'nan', 'null', '?', '-']);

export type FillMethod = 'none' | 'previous' | 'linear';

export interface SeriesOptions {
  column: string; // the value column, by header name
  dateColumn?: string | null; // an optional label column (kept as text)
  fill?: FillMethod; // what to do with missing values (default 'none': they are an error)
}

export interface Series {
  name: string; // the value column
  values: number[];
  dates: string[] | null;
  missing: number[]; // line numbers of the values that were missing (and filled)
}

/** The column index of `name`, or an error that lists the columns there are. */
export function columnIndex(table: CsvTable, name: string, option: string, what: string): number {
  const k = table.header.indexOf(name);
  if (k < 0) throw new ValueError(`${option}: no column ${JSON.stringify(name)} in ${what}; its columns are ${table.header.map((h) => JSON.stringify(h)).join(', ')}`);
  return k;
}

/**
 * One numeric column of a table as a series. A value that is not a number is an error with its line; a
 * missing one (empty, NA, NaN, ?, -) is an error that counts them all, unless `fill` says how to fill it:
 * 'previous' carries the last value forward (the first ones take the first value), 'linear' interpolates.
 */
export function seriesFromTable(table: CsvTable, options: SeriesOptions, what = 'CSV'): Series {
  const k = columnIndex(table, options.column, 'seriesFromTable column', what);
  const d = options.dateColumn ? columnIndex(table, options.dateColumn, 'seriesFromTable dateColumn', what) : -1;
  const values: number[] = [];
  const missing: number[] = [];
  table.rows.forEach((row, r) => {
    const raw = row[k].trim();
    if (MISSING.has(raw.toLowerCase())) {
      missing.push(table.lines[r]);
      values.push(NaN);
      return;
    }
    const v = Number(raw);
    if (!Number.isFinite(v)) throw new ValueError(`${what} line ${table.lines[r]}: column ${JSON.stringify(options.column)} holds ${JSON.stringify(row[k])}, which is not a number`);
    values.push(v);
  });
  if (values.length === 0) throw new ValueError(`${what}: no data rows after the header`);
  if (missing.length) {
    const fill = options.fill ?? 'none';
    const where = missing.slice(0, 5).join(', ') + (missing.length > 5 ? ', …' : '');
    if (fill === 'none') throw new ValueError(`${what}: ${missing.length} missing value(s) in column ${JSON.stringify(options.column)} (line ${where}); fill them with --fill previous or --fill linear, or fix the file`);
    if (missing.length === values.length) throw new ValueError(`${what}: every value of column ${JSON.stringify(options.column)} is missing`);
    fillMissing(values, fill);
  }
  return { name: options.column, values, dates: d >= 0 ? table.rows.map((row) => row[d].trim()) : null, missing };
}

/** Reads a CSV file and takes one series from it. */
export function readSeries(file: string, options: SeriesOptions): Series {
  if (!fs.existsSync(file)) throw new ValueError(`readSeries file: no such file ${JSON.stringify(file)}`);
  return seriesFromTable(parseCsv(fs.readFileSync(file, 'utf8'), file), options, file);
}

/** Fills the NaN entries of `values` in place. */
function fillMissing(values: number[], fill: 'previous' | 'linear'): void {
  const known = values.map((v, i) => (Number.isNaN(v) ? -1 : i)).filter((i) => i >= 0);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isNaN(values[i])) continue;
    const next = known.find((j) => j > i);
    let prev = -1;
    for (let j = i - 1; j >= 0; j--) if (!Number.isNaN(values[j])) { prev = j; break; }
    if (prev < 0) values[i] = values[next as number];
    else if (fill === 'previous' || next === undefined) values[i] = values[prev];
    else values[i] = values[prev] + ((values[next] - values[prev]) * (i - prev)) / (next - prev);
  }
}
