/** @module XLSX workbooks to a grid, with exceljs: the first sheet with content, cells as text. */
import ExcelJS from 'exceljs';
import type { GridRow } from './grid.js';
import { StatementFormatError } from './types.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** Cell values as a person would read them in the sheet; amounts and dates are parsed later, strictly. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  // Numbers keep every digit: a fractional "amount" must reach the amount parser and be refused there.
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) {
    // exceljs returns a sheet's wall-clock date as if it were UTC; it is the bank's local time.
    return `${pad(value.getUTCDate())}/${pad(value.getUTCMonth() + 1)}/${value.getUTCFullYear()} ${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}:${pad(value.getUTCSeconds())}`;
  }
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
    if ('error' in value) return String(value.error);
  }
  return String(value);
}

/**
 * Reads the first worksheet with content into rows of text cells, numbered as in Excel.
 *
 * @example
 * const grid = await xlsxToGrid(readFileSync('sao-ke.xlsx'));
 */
export async function xlsxToGrid(bytes: Buffer): Promise<GridRow[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (error) {
    throw new StatementFormatError(`not a readable XLSX workbook: ${(error as Error).message}`);
  }
  const sheet = workbook.worksheets.find((ws) => ws.actualRowCount > 0);
  if (!sheet) throw new StatementFormatError('the workbook has no sheet with content');
  const rows: GridRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = cellText(cell.value);
    });
    rows.push({ line: rowNumber, cells: Array.from(cells, (c) => c ?? '') });
  });
  return rows;
}
