import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ValueError } from '../../lib/kernels/tensor';
import { parseCsv, seriesFromTable, readSeries } from '../../lib/data/csv';
import { monthlySeries, tmpDir, writeMonthlyCsv } from '../synthetic';

describe('parseCsv on real files', () => {
  it('reads quoted fields, CRLF endings, a byte-order mark and no final newline', () => {
    const t = parseCsv('\ufeff"Month","Units"\r\n"2001-01",200\r\n"2001-02",212');
    expect(t.header).toEqual(['Month', 'Units']);
    expect(t.rows).toEqual([['2001-01', '200'], ['2001-02', '212']]);
    expect(t.lines).toEqual([2, 3]);
  });

  it('reads LF endings, a final newline, blank lines, and commas, quotes and line breaks inside quotes', () => {
    const t = parseCsv('name,value\n"Smith, J.",1\n\n"say ""hi""",2\n"two\nlines",3\n');
    expect(t.rows).toEqual([['Smith, J.', '1'], ['say "hi"', '2'], ['two\nlines', '3']]);
    expect(t.lines).toEqual([2, 4, 5]); // a record that spans lines is known by its first
  });

  it('keeps an empty quoted field and an empty last field', () => {
    expect(parseCsv('a,b\n"",x\ny,').rows).toEqual([['', 'x'], ['y', '']]);
  });

  it('names the line of a row with the wrong number of fields, and of an unclosed quote', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n', 'f.csv')).toThrow(new ValueError('f.csv line 3: expected 2 fields as in the header (a, b), got 1'));
    expect(() => parseCsv('a,b\n1,2\n"3,4\n5,6\n', 'f.csv')).toThrow('f.csv line 3: a quoted field is never closed');
    expect(() => parseCsv('', 'f.csv')).toThrow('f.csv: the file is empty');
  });

  it('reads a spreadsheet export of a monthly series exactly: 144 months from 2001-01 to 2012-12', () => {
    const file = writeMonthlyCsv(tmpDir('csv-'));
    const s = readSeries(file, { column: 'Units', dateColumn: 'Month' });
    const { values } = monthlySeries();
    expect(s.values).toEqual(values); // numbers written by JavaScript read back bit for bit
    expect([s.values[0], s.values[143]]).toEqual([200, 200 + 2 * 143 + 20 * Math.sin((2 * Math.PI * 143) / 12)]);
    expect([s.dates?.[0], s.dates?.[11], s.dates?.[143]]).toEqual(['2001-01', '2001-12', '2012-12']);
  });
});

describe('seriesFromTable', () => {
  const table = parseCsv('date,price,volume\nd1,10,5\nd2,NA,6\nd3,14,\nd4,16,8\n', 'p.csv');

  it('picks a column by name, and lists the columns there are when the name is wrong', () => {
    expect(seriesFromTable(parseCsv('a,b\n1,2\n3,4'), { column: 'b' }).values).toEqual([2, 4]);
    expect(() => seriesFromTable(table, { column: 'Close' }, 'p.csv')).toThrow(new ValueError('seriesFromTable column: no column "Close" in p.csv; its columns are "date", "price", "volume"'));
    expect(() => seriesFromTable(table, { column: 'price', dateColumn: 'day' }, 'p.csv')).toThrow('seriesFromTable dateColumn: no column "day" in p.csv');
  });

  it('reports missing values with their lines, and fills them only when asked', () => {
    expect(() => seriesFromTable(table, { column: 'price' }, 'p.csv')).toThrow(new ValueError('p.csv: 1 missing value(s) in column "price" (line 3); fill them with --fill previous or --fill linear, or fix the file'));
    expect(seriesFromTable(table, { column: 'price', fill: 'previous' }, 'p.csv')).toMatchObject({ values: [10, 10, 14, 16], missing: [3] });
    expect(seriesFromTable(table, { column: 'price', fill: 'linear' }, 'p.csv').values).toEqual([10, 12, 14, 16]);
    expect(seriesFromTable(table, { column: 'volume', fill: 'linear' }, 'p.csv').values).toEqual([5, 6, 7, 8]);
    const leading = parseCsv('v\n\n?\n3\n4');
    expect(seriesFromTable(leading, { column: 'v', fill: 'linear' }).values).toEqual([3, 3, 4]);
  });

  it('says which line holds a value that is not a number', () => {
    const t = parseCsv('m,v\na,1\nb,2x\n', 'bad.csv');
    expect(() => seriesFromTable(t, { column: 'v' }, 'bad.csv')).toThrow(new ValueError('bad.csv line 3: column "v" holds "2x", which is not a number'));
  });

  it('says when the file is missing', () => {
    const missing = path.join(os.tmpdir(), 'no-such-file.csv');
    expect(fs.existsSync(missing)).toBe(false);
    expect(() => readSeries(missing, { column: 'v' })).toThrow(`readSeries file: no such file "${missing}"`);
  });
});
