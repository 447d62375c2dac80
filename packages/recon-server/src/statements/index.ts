/**
 * @module Bank statement files (sao kê) to rows: the generic CSV, Vietcombank, BIDV and VietinBank
 * exports (CSV or XLSX), SWIFT MT940 and ISO 20022 camt.053, behind one function. The format is
 * recognised from the content; an explicit format overrides that.
 */
import { parseCamt053 } from './camt053.js';
import { csvToGrid } from './csv.js';
import { parseGrid } from './grid.js';
import { parseMt940 } from './mt940.js';
import { decodeText } from './text.js';
import {
  type ParsedStatement,
  STATEMENT_FORMATS,
  type StatementFormat,
  StatementFormatError,
} from './types.js';
import { xlsxToGrid } from './xlsx.js';

export { parseVndAmount } from './amount.js';
export * from './types.js';

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/** What the bytes are, before any layout is chosen. */
export type StatementContainer = 'xlsx' | 'xml' | 'mt940' | 'text';

/**
 * Tells the container from the first bytes: a ZIP (XLSX), XML, MT940 tags, or other text.
 *
 * @example
 * sniffContainer(Buffer.from(':20:STMT\n:25:1023456789\n')); // 'mt940'
 */
export function sniffContainer(bytes: Buffer): StatementContainer {
  if (bytes.subarray(0, 4).equals(ZIP)) return 'xlsx';
  if (bytes.subarray(0, 4).equals(OLE))
    throw new StatementFormatError('old Excel (.xls) files are not read: save the statement as .xlsx or CSV');
  // Only a peek: a multi-byte character cut at the end must not fail here (decodeText checks the whole file).
  const head = new TextDecoder(bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : 'utf-8')
    .decode(bytes.subarray(0, 4096))
    .trimStart();
  if (head.startsWith('<')) {
    if (/^<(!doctype html|html|table)/i.test(head))
      throw new StatementFormatError(
        'this is a web page saved as .xls: open it in Excel and save as .xlsx or CSV',
      );
    return 'xml';
  }
  if (/^(\{1:[^}]*\}.*?\{4:\s*)?:20:/s.test(head) || /^:20:.*\n(?:.*\n)*?:(25|60F|61):/m.test(head))
    return 'mt940';
  return 'text';
}

function isFormat(value: string): value is StatementFormat {
  return (STATEMENT_FORMATS as readonly string[]).includes(value);
}

/**
 * Reads a statement file. Rows that cannot be read come back in `rejected` with their line;
 * a file that cannot be read at all throws {@link StatementFormatError}.
 *
 * @example
 * const statement = await parseStatement(readFileSync('sao-ke-vcb.xlsx'));
 * statement.format; // 'vietcombank'
 * statement.rows.filter((r) => r.direction === 'credit');
 */
export async function parseStatement(
  bytes: Buffer,
  format?: StatementFormat | string,
): Promise<ParsedStatement> {
  if (format !== undefined && !isFormat(format))
    throw new StatementFormatError(`unknown format "${format}"; one of ${STATEMENT_FORMATS.join(', ')}`);
  if (bytes.length === 0) throw new StatementFormatError('the file is empty');
  const container = sniffContainer(bytes);
  if (format === 'mt940' || (!format && container === 'mt940')) return parseMt940(decodeText(bytes));
  if (format === 'camt053' || (!format && container === 'xml')) {
    const xml = decodeText(bytes);
    if (!format && !/urn:iso:std:iso:20022:tech:xsd:camt\.053\./.test(xml))
      throw new StatementFormatError('an XML file that is not an ISO 20022 camt.053 statement');
    return parseCamt053(xml);
  }
  const grid = container === 'xlsx' ? await xlsxToGrid(bytes) : csvToGrid(decodeText(bytes));
  return parseGrid(grid, format);
}
