// CSV downloads of chart data: RFC 4180 (comma, CRLF, quotes doubled), a header row, empty cells
// for null, numbers as JavaScript prints them (full precision). Pure.

export type CsvTable = { columns: string[]; rows: (string | number | boolean | null)[][] };

function cell(value: string | number | boolean | null): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One row with its line break (for writers that append rows as they go). */
export function formatCsvRow(row: CsvTable["rows"][number]): string {
  return row.map(cell).join(",") + "\r\n";
}

export function formatCsv(table: CsvTable): string {
  return [table.columns, ...table.rows].map(formatCsvRow).join("");
}
