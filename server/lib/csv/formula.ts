/**
 * The one formula rule of every CSV we write. Characters that make a spreadsheet read a cell as a
 * formula (or strip it into one), the full-width forms too (＝＋－＠), which some spreadsheets
 * take for the ASCII ones. The encoder (encoder.ts) applies the rule to bytes, from this list.
 */
export const FORMULA_START_CHARACTERS = '=+-@\t\r\0\uFF1D\uFF0B\uFF0D\uFF20';

/**
 * The rule on one string: a cell that would start a formula gets a leading `'`, so
 * `=HYPERLINK(…)` typed into a signature form stays text. The encoder writes exactly this
 * (inside the quotes when the cell needs them); the tests hold it to that.
 */
export function neutraliseFormula(value: string): string {
  return value !== '' && FORMULA_START_CHARACTERS.includes(value.charAt(0)) ? `'${value}` : value;
}
