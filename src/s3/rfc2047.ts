// RFC 2047 encoded-words in user-metadata values, as S3 treats them: a value sent as
// "=?UTF-8?B?…?=" (or Q) is decoded before it is stored, and a stored value that is not
// US-ASCII is answered encoded ("=?UTF-8?B?…?="), so every client gets mail-safe header bytes.

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;
/** Whitespace between two adjacent encoded-words is not part of the text (RFC 2047 §6.2). */
const BETWEEN_WORDS = /(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)/g;

function decodeWord(charset: string, encoding: string, text: string): string | undefined {
  const cs = charset.toLowerCase().split("*")[0]; // RFC 2231 language suffix
  const label = cs === "utf-8" || cs === "utf8" ? "utf-8" : cs === "iso-8859-1" || cs === "latin1" || cs === "us-ascii" ? "latin1" : undefined;
  if (!label) return undefined;
  let bytes: Buffer;
  if (encoding.toUpperCase() === "B") {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
    bytes = Buffer.from(text, "base64");
  } else {
    if (/=(?![0-9A-Fa-f]{2})/.test(text)) return undefined;
    bytes = Buffer.from(
      text.replace(/_/g, " ").replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      "latin1",
    );
  }
  if (label === "latin1") return bytes.toString("latin1");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** The text a metadata value stands for; words that do not decode are kept as sent. */
export function decodeRfc2047(value: string): string {
  if (!value.includes("=?")) return value;
  return value.replace(BETWEEN_WORDS, "$1").replace(ENCODED_WORD, (word, charset: string, enc: string, text: string) => decodeWord(charset, enc, text) ?? word);
}

/** A stored value as S3 answers it: as is when US-ASCII, else one UTF-8 "B" encoded-word. */
export function encodeRfc2047(text: string): string {
  if (!/[^\x00-\x7f]/.test(text)) return text;
  return `=?UTF-8?B?${Buffer.from(text, "utf8").toString("base64")}?=`;
}
