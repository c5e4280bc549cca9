// XML for the S3 wire: escaping, a small builder that renders plain objects into the exact
// element shapes S3 uses, and `parseXml`, a guarded wrapper over fast-xml-parser that turns
// every malformed, oversized, too-deep or DTD-carrying body into S3Error MalformedXML.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { S3Error } from "./errors.ts";
import { escapeXml, XML_DECLARATION } from "./xml-escape.ts";

export { escapeXml, XML_DECLARATION } from "./xml-escape.ts";
export const S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";

/** Pre-rendered XML inserted verbatim by the builder. */
export class RawXml {
  constructor(readonly xml: string) {}
}

/**
 * Content the builder renders: scalars become escaped text, arrays repeat the element,
 * objects nest (keys starting with "@" are attributes), null/undefined omit the element.
 */
export type XmlContent = string | number | bigint | boolean | Date | null | undefined | RawXml | XmlObject | XmlContent[];
export interface XmlObject {
  [name: string]: XmlContent;
}

/** S3 timestamps: ISO 8601 with milliseconds, e.g. 2009-10-12T17:50:30.000Z. */
export function formatS3Date(d: Date): string {
  return d.toISOString();
}

function scalarText(v: string | number | bigint | boolean | Date): string {
  if (v instanceof Date) return formatS3Date(v);
  return escapeXml(String(v));
}

/** Renders `<name attrs>content</name>` (or nothing for null/undefined, repeated for arrays). */
export function xmlElement(name: string, content: XmlContent): string {
  if (content === null || content === undefined) return "";
  if (Array.isArray(content)) return content.map((c) => xmlElement(name, c)).join("");
  if (content instanceof RawXml) return `<${name}>${content.xml}</${name}>`;
  if (typeof content !== "object" || content instanceof Date) return `<${name}>${scalarText(content)}</${name}>`;
  let attrs = "";
  let inner = "";
  for (const [key, value] of Object.entries(content)) {
    if (key.startsWith("@")) {
      if (value !== null && value !== undefined) attrs += ` ${key.slice(1)}="${escapeXml(String(value))}"`;
    } else {
      inner += xmlElement(key, value);
    }
  }
  return `<${name}${attrs}>${inner}</${name}>`;
}

/**
 * A whole response document: declaration plus the root element, carrying the S3 namespace
 * unless `namespace` is false (a few responses, e.g. errors, have none).
 */
export function xmlDocument(root: string, content: XmlObject, opts: { namespace?: string | false } = {}): string {
  const ns = opts.namespace === undefined ? S3_XMLNS : opts.namespace;
  const withNs: XmlObject = ns ? { "@xmlns": ns, ...content } : content;
  return XML_DECLARATION + xmlElement(root, withNs);
}

/** A parsed value as a list: absent → [], one element → [it], many → them. */
export function asArray<T>(v: T | T[] | undefined | null): T[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** The text of a parsed leaf ("" for `<A/>`); undefined when absent or not a leaf. */
export function xmlText(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (v && typeof v === "object" && !Array.isArray(v) && typeof (v as Record<string, unknown>)["#text"] === "string") {
    return (v as Record<string, unknown>)["#text"] as string;
  }
  return undefined;
}

export interface ParseXmlOptions {
  /** Bodies larger than this are rejected before any parsing. */
  maxBytes: number;
  /** Maximum element nesting (default 32; S3 documents need fewer than 10). */
  maxDepth?: number;
  /** Elements always parsed as arrays: a dotted path from the root ("Delete.Object") or a bare tag name. */
  arrays?: readonly string[];
}

function malformed(detail: string): S3Error {
  return new S3Error("MalformedXML", `The XML you provided was not well-formed or did not validate against our published schema: ${detail}`);
}

/** Nesting depth of a document, scanning tags only (comments, PIs and quoted '>' skipped). */
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let i = text.indexOf("<");
  while (i !== -1 && i < text.length) {
    const next = text[i + 1];
    if (next === "!" || next === "?") {
      const end = text.startsWith("<!--", i) ? text.indexOf("-->", i) : text.indexOf(">", i);
      if (end === -1) break;
      i = text.indexOf("<", end);
      continue;
    }
    let j = i + 1;
    let quote = "";
    for (; j < text.length; j++) {
      const c = text[j];
      if (quote) {
        if (c === quote) quote = "";
      } else if (c === '"' || c === "'") quote = c;
      else if (c === ">") break;
    }
    if (next === "/") depth--;
    else if (text[j - 1] !== "/") depth++;
    if (depth > max) max = depth;
    if (max > limit) return max;
    i = text.indexOf("<", j);
  }
  return max;
}

const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Decodes the five XML entities and character references in one pass (no double decoding). */
function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]*);/g, (_, ref: string) => {
    if (ref[0] !== "#") {
      const named = NAMED_ENTITIES[ref];
      if (named === undefined) throw malformed(`undefined entity "&${ref};"`);
      return named;
    }
    const cp = ref[1] === "x" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw malformed(`invalid character reference "&${ref};"`);
    return String.fromCodePoint(cp);
  });
}

/** CDATA becomes ordinary escaped text so entity decoding later applies uniformly. */
function inlineCdata(text: string): string {
  return text.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, body: string) => escapeXml(body));
}

/** Decodes entities everywhere and drops whitespace-only text that only separated child elements. */
function clean(node: unknown): unknown {
  if (typeof node === "string") return decodeEntities(node);
  if (Array.isArray(node)) return node.map(clean);
  if (node && typeof node === "object") {
    const out: Record<string, unknown> = {};
    const entries = Object.entries(node as Record<string, unknown>);
    const hasChildren = entries.some(([k]) => k !== "#text" && !k.startsWith("@"));
    for (const [k, v] of entries) {
      if (k === "#text" && hasChildren && typeof v === "string" && v.trim() === "") continue;
      out[k] = clean(v);
    }
    return out;
  }
  return node;
}

/**
 * Parses a request body. Returns `{ RootName: content }`; element text stays a string (never
 * coerced to numbers), namespaces prefixes are dropped, attributes appear as "@name".
 */
export function parseXml(body: string | Uint8Array, opts: ParseXmlOptions): Record<string, unknown> {
  const size = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
  if (size > opts.maxBytes) throw malformed(`the body is ${size} bytes, more than the ${opts.maxBytes} allowed`);
  let text: string;
  try {
    text = typeof body === "string" ? body : new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw malformed("the body is not valid UTF-8");
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw malformed("document type declarations are not accepted");
  text = inlineCdata(text);
  const maxDepth = opts.maxDepth ?? 32;
  if (nestingDepth(text, maxDepth) > maxDepth) throw malformed(`elements nest deeper than ${maxDepth} levels`);
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw malformed(valid.err.msg);
  const arrays = opts.arrays ?? [];
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    isArray: (name, jpath) => arrays.includes(String(jpath)) || arrays.includes(name),
  });
  const parsed = clean(parser.parse(text)) as Record<string, unknown>;
  const roots = Object.keys(parsed).filter((k) => !k.startsWith("?"));
  if (roots.length !== 1 || Array.isArray(parsed[roots[0]])) {
    throw malformed(roots.length === 0 ? "no root element" : "more than one root element");
  }
  return { [roots[0]]: parsed[roots[0]] };
}
