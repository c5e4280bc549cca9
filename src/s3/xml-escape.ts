// XML text escaping shared by the builder (xml.ts) and the error renderer (errors.ts); kept
// apart so errors.ts does not import the parser that itself throws S3Error.

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/**
 * Escapes text and attribute values. Characters XML 1.0 cannot carry become U+FFFD (as MinIO
 * does); CR, LF and TAB become character references so parsers do not normalize them away.
 */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"'\r\n\t\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => {
      switch (c) {
        case "&":
          return "&amp;";
        case "<":
          return "&lt;";
        case ">":
          return "&gt;";
        case '"':
          return "&quot;";
        case "'":
          return "&apos;";
        case "\r":
          return "&#xD;";
        case "\n":
          return "&#xA;";
        case "\t":
          return "&#x9;";
        default:
          return "\ufffd";
      }
    },
  );
}
