/**
 * `text.slice(start, end)` with full-width forms of ASCII (U+FF01 to U+FF5E) and the ideographic space
 * read as ASCII (their NFKC forms), or undefined when it holds none (the usual case: no string is made).
 */
export function asciiOfWide(text: string, start: number, end: number): string | undefined {
  let i = start;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0xff01 && c <= 0xff5e) || c === 0x3000) break;
  }
  if (i === end) return undefined;
  let out = text.slice(start, i);
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    out += c >= 0xff01 && c <= 0xff5e ? String.fromCharCode(c - 0xfee0) : c === 0x3000 ? " " : text.charAt(i);
  }
  return out;
}
