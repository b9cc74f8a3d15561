import fc from 'fast-check';

/** Strings an attacker would try in a form field or a URL, each carrying the marker `fz(`. */
export const PAYLOADS = [
  '<script>fz(1)</script>',
  '"><img src=x onerror=fz(1)>',
  "'><svg onload=fz(1)>",
  '</textarea><b onmouseover=fz(1)>x</b>',
  '<a href="javascript:fz(1)">x</a>',
  '<!--fz(1)-->',
  '<%= fz(1) %>',
  '${fz(1)}',
  "'; DROP TABLE signatures; -- fz(1)",
  '" OR "1"="1 fz(1)',
  "1); DELETE FROM outbox; SELECT sqlite_version(); -- fz(1)",
  '\u202Efz(1)gnp.exe',
  '\u2066fz(1)\u2069',
  'Аdmin fz(1) \u0430dmin ＡＤＭＩＮ',
  'Z\u0337\u0322\u0349a\u0338l\u0337g\u0337o fz(1)',
  '\u200F\u200D\uFEFFfz(1)',
  'fz(1)\r\nBcc: victim@example.org',
  'http://evil.example/fz(1)',
];

/** Percent-sequences no browser would send: broken, overlong, surrogate halves, invalid bytes. */
export const BROKEN_ESCAPES = ['%', '%Z9', '%E0%A4%A', '%ED%A0%80', '%C0%AF', '%FF', '%F8%88%80%80%80'];

/** A lone UTF-16 surrogate half, which no valid UTF-8 can carry. */
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));

/** An arbitrary field value: any code points, control characters, look-alikes, very long text, payloads, and combinations. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
  fc.constantFrom(...PAYLOADS),
  fc.tuple(fc.string({ unit: 'binary', maxLength: 10 }), fc.constantFrom(...PAYLOADS), fc.string({ unit: 'grapheme', maxLength: 10 })).map((parts) => parts.join('')),
  fc.tuple(fc.string({ maxLength: 5 }), loneSurrogate, fc.string({ maxLength: 5 })).map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme-ascii', minLength: 121, maxLength: 3000 }),
);

/** A raw (already encoded) value: usually the proper encoding of hostile text, sometimes a broken escape. */
export const encodedValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: hostileText.map(encodeRaw) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ unit: 'grapheme-ascii', maxLength: 5 }).map(encodeRaw), fc.constantFrom(...BROKEN_ESCAPES)).map((parts) => parts.join('')) },
);

/**
 * Percent-encodes like a browser, except that a lone surrogate is sent as the three bytes a naive
 * encoder would emit (ED A0 80 and so on): invalid UTF-8, which encodeURIComponent refuses to make.
 */
export function encodeRaw(value: string): string {
  let out = '';
  for (const char of value) {
    const unit = char.charCodeAt(0);
    if (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
      out += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
    } else {
      out += encodeURIComponent(char);
    }
  }
  return out;
}

/**
 * The active part of each markup payload. Escaped, each loses its `<` or `"`; so finding one in a
 * page or mail means a payload was reflected unescaped (our own markup contains none of them).
 */
const ACTIVE_PARTS = ['<script>fz(', '<img src=x onerror=fz(', '<svg onload=fz(', '<b onmouseover=fz(', '<a href="javascript:fz(', '<!--fz(', '"><img src=x'];

export const reflectsMarkup = (html: string): boolean => ACTIVE_PARTS.some((part) => html.includes(part));
