// S3 orders keys by their UTF-8 bytes. JS compares strings by UTF-16 code units, which
// disagrees for characters above U+FFFF versus U+E000..U+FFFF; this comparator does not.

/** Compares two strings in UTF-8 byte order (= Unicode code point order). */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (D800–DFFF) encode code points ≥ 0x10000, which must sort after E000–FFFF.
    if (x >= 0xd800 && y >= 0xd800) return fixup(x) - fixup(y);
    return x - y;
  }
  return a.length - b.length;
}

function fixup(c: number): number {
  return c >= 0xe000 ? c - 0x800 : c + 0x2000;
}
