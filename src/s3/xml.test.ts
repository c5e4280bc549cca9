// XML escaping, the response builder, and parseXml's guards.
import { describe, expect, test } from "bun:test";
import { S3Error } from "./errors.ts";
import { asArray, escapeXml, parseXml, RawXml, xmlDocument, xmlElement, xmlText } from "./xml.ts";

function malformed(fn: () => unknown): S3Error {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(S3Error);
    expect((e as S3Error).code).toBe("MalformedXML");
    return e as S3Error;
  }
  throw new Error("expected MalformedXML");
}

describe("escaping", () => {
  test("markup, quotes and line breaks", () => {
    expect(escapeXml(`a<b>&"c'`)).toBe("a&lt;b&gt;&amp;&quot;c&apos;");
    expect(escapeXml("l1\r\nl2\t")).toBe("l1&#xD;&#xA;l2&#x9;");
  });

  test("characters XML 1.0 cannot carry become U+FFFD; astral characters survive", () => {
    expect(escapeXml("a\u0001b\u0000")).toBe("a\ufffdb\ufffd");
    expect(escapeXml("x\ud800y")).toBe("x\ufffdy");
    expect(escapeXml("😀é")).toBe("😀é");
  });
});

describe("builder", () => {
  test("renders S3 shapes: namespace, repeated elements, omitted nulls, dates, empty strings", () => {
    const doc = xmlDocument("ListBucketResult", {
      Name: "b",
      Prefix: "",
      KeyCount: 2,
      IsTruncated: false,
      NextContinuationToken: undefined,
      Contents: [
        { Key: "a&b", LastModified: new Date(Date.UTC(2009, 9, 12, 17, 50, 30)), Size: 5n },
        { Key: "c", LastModified: new Date(0), Size: 0 },
      ],
    });
    expect(doc).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix></Prefix>' +
        "<KeyCount>2</KeyCount><IsTruncated>false</IsTruncated>" +
        "<Contents><Key>a&amp;b</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified><Size>5</Size></Contents>" +
        "<Contents><Key>c</Key><LastModified>1970-01-01T00:00:00.000Z</LastModified><Size>0</Size></Contents>" +
        "</ListBucketResult>",
    );
  });

  test("attributes, raw fragments and no namespace", () => {
    const grantee = xmlElement("Grantee", {
      "@xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
      "@xsi:type": "CanonicalUser",
      ID: "id&1",
    });
    expect(grantee).toBe('<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>id&amp;1</ID></Grantee>');
    expect(xmlElement("Raw", new RawXml("<A/>"))).toBe("<Raw><A/></Raw>");
    expect(xmlDocument("LocationConstraint", {}, { namespace: false })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint></LocationConstraint>',
    );
  });
});

describe("parseXml", () => {
  const deleteBody = `<?xml version="1.0" encoding="UTF-8"?>
<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Quiet>true</Quiet>
  <Object><Key>  spaced &amp; escaped&#xD;&#10; </Key><VersionId>0001</VersionId></Object>
</Delete>`;

  test("keeps text verbatim (no trimming, no number coercion) and decodes references", () => {
    const doc = parseXml(deleteBody, { maxBytes: 4096, arrays: ["Delete.Object"] }) as {
      Delete: { Quiet: string; Object: { Key: string; VersionId: string }[] };
    };
    expect(doc.Delete.Quiet).toBe("true");
    expect(doc.Delete.Object).toEqual([{ Key: "  spaced & escaped\r\n ", VersionId: "0001" }]);
  });

  test("one element is an array only when asked; asArray normalizes either way", () => {
    const doc = parseXml(deleteBody, { maxBytes: 4096 }) as { Delete: { Object: unknown } };
    expect(Array.isArray(doc.Delete.Object)).toBe(false);
    expect(asArray(doc.Delete.Object)).toHaveLength(1);
    expect(asArray(undefined)).toEqual([]);
    const two = parseXml("<D><O>1</O><O>2</O></D>", { maxBytes: 100, arrays: ["O"] }) as { D: { O: string[] } };
    expect(two.D.O).toEqual(["1", "2"]);
  });

  test("empty elements, CDATA and attributes", () => {
    const doc = parseXml('<A><B/><C></C><D><![CDATA[<x>&amp;]]></D><E k="1&amp;2">t</E></A>', { maxBytes: 200 }) as {
      A: Record<string, unknown>;
    };
    expect(doc.A.B).toBe("");
    expect(doc.A.C).toBe("");
    expect(doc.A.D).toBe("<x>&amp;");
    expect(xmlText(doc.A.E)).toBe("t");
    expect((doc.A.E as Record<string, string>)["@k"]).toBe("1&2");
  });

  test("accepts bytes and a byte-order mark", () => {
    const bytes = new TextEncoder().encode("\ufeff<A>é</A>");
    expect(parseXml(bytes, { maxBytes: 100 })).toEqual({ A: "é" });
  });

  test("rejects malformed, oversized, too deep, DTDs, unknown entities and several roots", () => {
    malformed(() => parseXml("<A><B></A>", { maxBytes: 100 }));
    malformed(() => parseXml("not xml", { maxBytes: 100 }));
    malformed(() => parseXml("", { maxBytes: 100 }));
    expect(malformed(() => parseXml("<A>" + "x".repeat(200) + "</A>", { maxBytes: 100 })).message).toContain("100");
    malformed(() => parseXml("<a>".repeat(40) + "</a>".repeat(40), { maxBytes: 10_000 }));
    malformed(() => parseXml("<a>".repeat(5) + "</a>".repeat(5), { maxBytes: 10_000, maxDepth: 4 }));
    malformed(() => parseXml('<!DOCTYPE a [<!ENTITY x "yyyy">]><a>&x;</a>', { maxBytes: 1000 }));
    malformed(() => parseXml("<a>&nbsp;</a>", { maxBytes: 1000 }));
    malformed(() => parseXml("<a>&#0;</a>", { maxBytes: 1000 }));
    malformed(() => parseXml("<a>1</a><b/>", { maxBytes: 1000 }));
    malformed(() => parseXml("<a/><a/>", { maxBytes: 1000 }));
    malformed(() => parseXml(new Uint8Array([0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e]), { maxBytes: 1000 }));
  });

  test("a round trip through the builder preserves awkward text", () => {
    const key = " <k> & 'q' \"d\"\r\n\té ";
    const doc = xmlDocument("Tagging", { TagSet: { Tag: [{ Key: key, Value: "" }] } });
    const back = parseXml(doc, { maxBytes: 10_000, arrays: ["Tagging.TagSet.Tag"] }) as {
      Tagging: { TagSet: { Tag: { Key: string; Value: string }[] } };
    };
    expect(back.Tagging.TagSet.Tag).toEqual([{ Key: key, Value: "" }]);
  });
});
