// CSV downloads of chart data: RFC 4180 (comma, CRLF, quotes doubled), a header row, empty cells
// for null, numbers as JavaScript prints them (full precision). Pure.

export type CsvTable = { columns: string[]; rows: (string | number | boolean | null)[][] };

function cell(value: string | number | boolean | null): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function formatCsv(table: CsvTable): string {
  return [table.columns, ...table.rows].map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}
