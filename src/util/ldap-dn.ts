// LDAP distinguished names as RFC 4514 writes them: parsed into RDNs, normalized one way (attribute
// types lower-cased, values re-escaped canonically) so that one entry always gets one name, and
// compared without regard to case, as MinIO compares them.

/** One attribute type and value of an RDN ("uid=alice"); value unescaped, or "#hex" kept as written. */
export interface DnAttribute {
  type: string;
  value: string;
}

/** A DN, most specific RDN first; each RDN has one or more attributes ("cn=a+sn=b"). */
export type ParsedDn = DnAttribute[][];

const TYPE_RE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)$/;
const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;
const SPECIAL = ',+"\\<>;=# ';

/** Reads the value starting at `i`; returns it and where it ended (at a separator or the end). */
function readValue(text: string, start: number): { value: string; end: number } | string {
  let i = start;
  if (text[i] === "#") {
    let j = i + 1;
    while (j < text.length && /[0-9A-Fa-f]/.test(text[j])) j++;
    if ((j - i - 1) % 2 !== 0 || j === i + 1) return `bad hex value at position ${i + 1}`;
    return { value: text.slice(i, j).toLowerCase(), end: j };
  }
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  // Unescaped trailing spaces are not part of the value; escaped ones are.
  let keep = 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === "," || c === "+") break;
    if (c === "\\") {
      const pair = text.slice(i + 1, i + 3);
      if (HEX_PAIR.test(pair)) {
        bytes.push(Number.parseInt(pair, 16));
        i += 2;
      } else if (i + 1 < text.length && SPECIAL.includes(text[i + 1])) {
        bytes.push(text.charCodeAt(i + 1));
        i += 1;
      } else return `bad escape at position ${i + 1}`;
      keep = bytes.length;
      continue;
    }
    if (c === '"' || c === "<" || c === ">" || c === ";" || c === "\u0000") return `unescaped "${c}" at position ${i + 1}`;
    bytes.push(...encoder.encode(c));
    if (c !== " ") keep = bytes.length;
  }
  try {
    return { value: new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes.slice(0, keep))), end: i };
  } catch {
    return "a value is not valid UTF-8";
  }
}

/** Parses `text`; an error string says what is wrong. The empty string is the empty DN. */
export function parseDn(text: string): ParsedDn | string {
  const dn: ParsedDn = [];
  if (text.trim() === "") return dn;
  let rdn: DnAttribute[] = [];
  let i = 0;
  for (;;) {
    while (text[i] === " ") i++;
    const eq = text.indexOf("=", i);
    if (eq < 0) return `no "=" after position ${i}`;
    const type = text.slice(i, eq).trim();
    if (!TYPE_RE.test(type)) return `bad attribute type "${type}"`;
    i = eq + 1;
    while (text[i] === " ") i++;
    const read = readValue(text, i);
    if (typeof read === "string") return read;
    rdn.push({ type: type.toLowerCase(), value: read.value });
    i = read.end;
    while (text[i] === " ") i++;
    if (i >= text.length) break;
    if (text[i] === "+") {
      i++;
      continue;
    }
    if (text[i] !== ",") return `unexpected "${text[i]}" at position ${i + 1}`;
    dn.push(rdn);
    rdn = [];
    i++;
  }
  dn.push(rdn);
  return dn;
}

function escapeValue(value: string): string {
  if (value.startsWith("#") && /^#(?:[0-9a-f]{2})+$/.test(value)) return value;
  let out = "";
  for (const [i, c] of [...value].entries()) {
    if (c === "\u0000") out += "\\00";
    else if (',+"\\<>;'.includes(c)) out += `\\${c}`;
    else if ((c === "#" || c === " ") && i === 0) out += `\\${c}`;
    else out += c;
  }
  return out.endsWith(" ") && !out.endsWith("\\ ") ? `${out.slice(0, -1)}\\ ` : out;
}

/** The one string a parsed DN is written as. */
export function formatDn(dn: ParsedDn): string {
  return dn.map((rdn) => rdn.map((a) => `${a.type}=${escapeValue(a.value)}`).join("+")).join(",");
}

/** A key for comparing DNs without regard to case: normalized, then lower-cased. */
export function dnKey(dn: ParsedDn): string {
  return formatDn(dn).toLowerCase();
}

/** Whether `dn` lies under `base` (or is `base` itself, with `orSelf`). */
export function isUnderDn(dn: ParsedDn, base: ParsedDn, orSelf = false): boolean {
  if (dn.length < base.length || (!orSelf && dn.length === base.length)) return false;
  const tail = dn.slice(dn.length - base.length);
  return dnKey(tail) === dnKey(base);
}
