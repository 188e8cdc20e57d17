/**
 * CSV for spreadsheets (RFC 4180). A cell that a spreadsheet would run as a
 * formula (starting with = + - @, tab or CR) is prefixed with an apostrophe:
 * order fields come from payers and merchants' systems (OWASP CSV injection).
 */
export function csvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly (string | number | null)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
