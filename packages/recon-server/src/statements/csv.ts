/** @module CSV (and tab- or semicolon-separated text) to a grid, with csv-parse. */
import { parse } from 'csv-parse/sync';
import type { GridRow } from './grid.js';
import { StatementFormatError } from './types.js';

/** Excel in a Vietnamese locale saves with `;`, "Unicode text" with tabs; the generic CSV uses `,`. */
function guessDelimiter(text: string): string {
  const head = text.split(/\r?\n/, 40).join('\n');
  let best = ',';
  let bestCount = 0;
  for (const candidate of [',', ';', '\t']) {
    const count = head.split(candidate).length - 1;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Splits CSV text into rows of cells, each with the line it starts on.
 *
 * @example
 * csvToGrid('date,credit\n23/11/2026,150000\n'); // [{ line: 1, cells: ['date', 'credit'] }, { line: 2, … }]
 */
export function csvToGrid(text: string): GridRow[] {
  let records: { info: { lines: number }; record: string[] }[];
  try {
    records = parse(text, {
      delimiter: guessDelimiter(text),
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      bom: true,
    }) as unknown as typeof records;
  } catch (error) {
    const e = error as { message?: string; lines?: number };
    throw new StatementFormatError(`not readable as CSV: ${e.message ?? String(error)}`, e.lines);
  }
  return records.map(({ info, record }) => {
    // csv-parse reports the line a record ends on; a quoted field may span lines.
    const breaks = record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    return { line: info.lines - breaks, cells: record };
  });
}
