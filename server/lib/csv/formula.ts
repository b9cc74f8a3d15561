/**
 * Characters that make a spreadsheet read a cell as a formula (or strip it into one), the
 * full-width forms too (＝＋－＠), which some spreadsheets take for the ASCII ones.
 */
export const FORMULA_START_CHARACTERS = '=+-@\t\r\0\uFF1D\uFF0B\uFF0D\uFF20';

/**
 * A cell that is safe to open in a spreadsheet: one that would start a formula gets a leading
 * `'`, so `=HYPERLINK(…)` typed into a signature form stays text. Every CSV we write uses this.
 */
export function neutraliseFormula(value: string): string {
  return value !== '' && FORMULA_START_CHARACTERS.includes(value.charAt(0)) ? `'${value}` : value;
}
