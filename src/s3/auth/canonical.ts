// SigV4 canonical request pieces as S3 defines them: byte-exact URI encoding (the path is
// decoded once and re-encoded once, "/" kept — S3 never double-encodes), the sorted canonical
// query, canonical headers, and the ISO 8601 / HTTP date formats signatures carry.

const HEX = "0123456789ABCDEF";

function isUnreserved(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x5f || b === 0x2e || b === 0x7e;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * Percent-decodes to raw bytes (other characters as UTF-8). Works on bytes so keys that are
 * not valid UTF-8 re-encode exactly as the client signed them; a malformed escape stays literal.
 */
export function percentDecodeBytes(text: string, plusAsSpace = false): Uint8Array {
  const src = Buffer.from(text, "utf8");
  const out = new Uint8Array(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === 0x25 && i + 2 < src.length) {
      const hi = hexValue(src[i + 1]);
      const lo = hexValue(src[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[n++] = plusAsSpace && c === 0x2b ? 0x20 : c;
  }
  return out.subarray(0, n);
}

/** AWS URI encoding: unreserved bytes as is, everything else %XX (upper case); "/" kept if asked. */
export function uriEncodeBytes(bytes: Uint8Array, keepSlash: boolean): string {
  let out = "";
  for (const b of bytes) {
    if (isUnreserved(b) || (keepSlash && b === 0x2f)) out += String.fromCharCode(b);
    else out += "%" + HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}

/** The canonical URI of a raw request path (empty → "/"). */
export function canonicalUri(rawPath: string): string {
  if (rawPath === "") return "/";
  return uriEncodeBytes(percentDecodeBytes(rawPath), true);
}

/**
 * Query parameters of a raw query string (with or without "?"), decoded. "+" means space, as
 * in MinIO (Go's url.ParseQuery); SDKs always send %20 and %2B, so both readings agree there.
 */
export function parseQuery(search: string): [string, string][] {
  const q = search.startsWith("?") ? search.slice(1) : search;
  const out: [string, string][] = [];
  for (const piece of q.split("&")) {
    if (piece === "") continue;
    const eq = piece.indexOf("=");
    const k = eq === -1 ? piece : piece.slice(0, eq);
    const v = eq === -1 ? "" : piece.slice(eq + 1);
    out.push([Buffer.from(percentDecodeBytes(k, true)).toString("utf8"), Buffer.from(percentDecodeBytes(v, true)).toString("utf8")]);
  }
  return out;
}

/** Canonical query string: each name and value re-encoded, sorted by name then value. */
export function canonicalQuery(search: string, exclude?: (name: string) => boolean): string {
  const q = search.startsWith("?") ? search.slice(1) : search;
  const pairs: [string, string][] = [];
  for (const piece of q.split("&")) {
    if (piece === "") continue;
    const eq = piece.indexOf("=");
    const rawName = eq === -1 ? piece : piece.slice(0, eq);
    const nameBytes = percentDecodeBytes(rawName, true);
    if (exclude?.(Buffer.from(nameBytes).toString("utf8"))) continue;
    const value = eq === -1 ? "" : piece.slice(eq + 1);
    pairs.push([uriEncodeBytes(nameBytes, false), uriEncodeBytes(percentDecodeBytes(value, true), false)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

const UTF8_STRICT = new TextDecoder("utf-8", { fatal: true });

/**
 * A header value as the text its bytes spell. Bun hands header bytes over one byte per code unit
 * (latin1), while clients send and sign non-ASCII values as UTF-8 (MinIO hashes the raw bytes):
 * bytes that form valid UTF-8 are read as UTF-8; anything else is left as it arrived.
 */
export function headerText(value: string): string {
  if (!/[\x80-\xff]/.test(value) || /[^\x00-\xff]/.test(value)) return value;
  try {
    return UTF8_STRICT.decode(Buffer.from(value, "latin1"));
  } catch {
    return value;
  }
}

/** Text as header bytes for Bun (one byte per code unit): UTF-8, as MinIO sends stored values. */
export function headerBytes(text: string): string {
  return /[^\x00-\x7f]/.test(text) ? Buffer.from(text, "utf8").toString("latin1") : text;
}

/** A header value as signed: its UTF-8 text, trimmed, inner whitespace runs collapsed to one space. */
export function canonicalHeaderValue(value: string): string {
  return headerText(value).trim().replace(/\s+/g, " ");
}

/**
 * The canonical headers block ("name:value\n" per signed header, in the signed order). `host`
 * falls back to the URL's host when the request carries no Host header (direct fetch() calls).
 */
export function canonicalHeaders(headers: Headers, signed: readonly string[], urlHost: string): string {
  let out = "";
  for (const name of signed) {
    let value = headers.get(name);
    if (value === null && name === "host") value = urlHost;
    out += `${name}:${canonicalHeaderValue(value ?? "")}\n`;
  }
  return out;
}

/** "20130524T000000Z" → Date; undefined unless exactly that form and a real instant. */
export function parseAmzDate(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return date;
}

/** Date → "20130524T000000Z". */
export function formatAmzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/** An HTTP date (RFC 1123, RFC 850 or asctime, as Date/x-amz-date headers carry), else undefined. */
export function parseHttpDate(text: string): Date | undefined {
  // All three forms open with a weekday name; requiring it keeps Date.parse's looser guesses out.
  if (!/^[A-Za-z]{3}/.test(text.trim())) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
