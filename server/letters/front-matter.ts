/**
 * The small subset of YAML front matter letter files use: a block between `---` lines of
 * `key: value`, where a value is bare text or a double-quoted JSON string (so any title survives).
 */
export interface FrontMatterDocument {
  fields: Record<string, string>;
  body: string;
}

export class FrontMatterError extends Error {
  override name = 'FrontMatterError';
}

export function parseFrontMatter(text: string): FrontMatterDocument {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  if (lines[0]?.trim() !== '---') throw new FrontMatterError('the file must start with a front matter block: a line "---", key: value lines, then "---"');
  const end = lines.findIndex((line, index) => index > 0 && line.trim() === '---');
  if (end < 0) throw new FrontMatterError('the front matter block is not closed with a "---" line');
  const fields: Record<string, string> = {};
  lines.slice(1, end).forEach((line, index) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*:\s?(.*)$/.exec(line);
    if (!match?.[1]) throw new FrontMatterError(`front matter line ${index + 2} is not "key: value"`);
    if (match[1] in fields) throw new FrontMatterError(`front matter key "${match[1]}" appears twice`);
    fields[match[1]] = parseValue(match[2] ?? '', index + 2);
  });
  return { fields, body: lines.slice(end + 1).join('\n') };
}

function parseValue(raw: string, lineNumber: number): string {
  const value = raw.trim();
  if (value.startsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (typeof parsed === 'string') return parsed;
    } catch {
      // reported below
    }
    throw new FrontMatterError(`front matter line ${lineNumber}: the quoted value is not closed or has a bad escape`);
  }
  if (value.startsWith("'") && value.endsWith("'") && value.length >= 2) return value.slice(1, -1).replace(/''/g, "'");
  return value;
}

const BARE_VALUE = /^[A-Za-z0-9][A-Za-z0-9 .,_:/+-]*$/;

/** Writes fields in the given order; values that are not plain words are JSON-quoted. */
export function formatFrontMatter(fields: ReadonlyArray<[string, string]>, body: string): string {
  const lines = fields.map(([key, value]) => `${key}: ${BARE_VALUE.test(value) && !value.endsWith(' ') && !/: /.test(value) ? value : JSON.stringify(value)}`);
  return `---\n${lines.join('\n')}\n---\n\n${body.replace(/\n*$/, '')}\n`;
}
