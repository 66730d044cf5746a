/**
 * CSV as RFC 4180 writes it: CRLF after every row, a field quoted (inner quotes doubled) when it
 * holds a comma, quote, CR or LF. A text field that a spreadsheet would read as a formula
 * (starting with = + - @ or a tab) gets a leading apostrophe, so opening the file never runs
 * anything. null is an empty field.
 */
export function toCsv(rows: readonly (readonly (string | number | null)[])[]): string {
  return rows.map((row) => row.map(field).join(",") + "\r\n").join("");
}

function field(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
