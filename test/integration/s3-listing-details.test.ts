// Listing details: encoding-type=url as AWS encodes (RFC 3986 unreserved characters and "/"
// left as they are, everything else %XX over UTF-8) in every listing, prefixes and markers that
// name no object (an empty page, not an error), and an empty continuation token.
import { describe, expect, test } from "bun:test";
import { CreateMultipartUploadCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "listing-details";
const KEYS = ["foo+1/bar", "foo/bar/xyzzy", "quux ab/thud", "asdf+b", "p(3)~*é.png", "a/..b", "a/.c"];
const { h, s3 } = useS3Bucket(B, {
  setup: async () => {
    for (const Key of KEYS) {
      await s3.send(new PutObjectCommand({ Bucket: B, Key, Body: "x" }));
      await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key }));
    }
  },
});

async function list(
  query: Record<string, string>,
): Promise<{ status: number; xml: string; all: (tag: string) => string[]; one: (tag: string) => string | undefined }> {
  const res = await h.signed({ path: `/${B}`, query });
  const xml = await res.text();
  const all = (tag: string) => [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, "g"))].map((m) => m[1]);
  return { status: res.status, xml, all, one: (tag) => all(tag)[0] };
}

const LISTINGS: Record<string, Record<string, string>> = {
  v1: {},
  v2: { "list-type": "2" },
  versions: { versions: "" },
  uploads: { uploads: "" },
};

describe("encoding-type=url", () => {
  for (const [name, base] of Object.entries(LISTINGS)) {
    test(`${name}: keys and common prefixes keep "/" and unreserved characters, encode the rest`, async () => {
      const r = await list({ ...base, delimiter: "/", "encoding-type": "url" });
      expect(r.status).toBe(200);
      expect(r.one("EncodingType")).toBe("url");
      expect(r.one("Delimiter")).toBe("/");
      const keys = r.all("Key");
      expect(keys).toContain("asdf%2Bb");
      expect(keys).toContain("p%283%29~%2A%C3%A9.png");
      const prefixes = [...r.xml.matchAll(/<CommonPrefixes><Prefix>([^<]*)<\/Prefix>/g)].map((m) => m[1]);
      expect(prefixes).toEqual(["a/", "foo%2B1/", "foo/", "quux%20ab/"]);
    });

    test(`${name}: prefix, delimiter and markers are echoed encoded`, async () => {
      const marker = name === "v2" ? "start-after" : name === "v1" ? "marker" : "key-marker";
      const r = await list({ ...base, prefix: "quux ab/", delimiter: "+", [marker]: "quux ab/a", "encoding-type": "url" });
      expect(r.status).toBe(200);
      expect(r.xml).toContain("<Prefix>quux%20ab/</Prefix>");
      expect(r.one("Delimiter")).toBe("%2B");
      const tag = name === "v2" ? "StartAfter" : name === "v1" ? "Marker" : "KeyMarker";
      expect(r.one(tag)).toBe("quux%20ab/a");
    });
  }

  test("NextMarker and NextKeyMarker are encoded", async () => {
    const next = "p%283%29~%2A%C3%A9.png";
    const v1 = await list({ "max-keys": "1", delimiter: "/", marker: "foo/", "encoding-type": "url" });
    expect(v1.one("NextMarker")).toBe(next);
    const versions = await list({ versions: "", "max-keys": "1", delimiter: "/", "key-marker": "foo/", "encoding-type": "url" });
    expect(versions.one("NextKeyMarker")).toBe(next);
    const uploads = await list({ uploads: "", "max-uploads": "1", delimiter: "/", "key-marker": "foo/", "encoding-type": "url" });
    expect(uploads.one("NextKeyMarker")).toBe(next);
  });
});

describe("prefixes and markers that name no object", () => {
  const empty = ["../", "a/../", "./x", "/lead", "a//b", "x\u0000y", "é".repeat(600), `${"s".repeat(256)}/`];
  for (const [name, base] of Object.entries(LISTINGS)) {
    test(`${name}: an empty page, never XMinioInvalidObjectName or 5xx`, async () => {
      for (const prefix of empty) {
        const r = await list({ ...base, prefix });
        expect({ prefix, status: r.status }).toEqual({ prefix, status: 200 });
        expect(r.all("Key")).toEqual([]);
      }
      for (const delimiter of ["..", "a", "%", "//", "\u0000", "é"]) {
        const r = await list({ ...base, delimiter });
        expect({ delimiter, status: r.status }).toEqual({ delimiter, status: 200 });
      }
    });

    test(`${name}: a prefix whose last segment is "." or ".." still matches keys continuing it`, async () => {
      expect((await list({ ...base, prefix: "a/.." })).all("Key")).toEqual(["a/..b"]);
      expect((await list({ ...base, prefix: "a/." })).all("Key").sort()).toEqual(["a/..b", "a/.c"]);
    });
  }

  test("markers that are not keys still page lexically", async () => {
    const v2 = await list({ "list-type": "2", "start-after": "../zz" });
    expect(v2.status).toBe(200);
    expect(v2.all("Key")).toEqual([...KEYS].sort());
    const v1 = await list({ marker: "foo//" });
    expect(v1.status).toBe(200);
    expect(v1.all("Key")).toEqual([...KEYS].sort().filter((k) => k > "foo//"));
    const versions = await list({ versions: "", "key-marker": "/x" });
    expect(versions.status).toBe(200);
    expect(versions.all("Key").length).toBe(KEYS.length);
  });
});

describe("continuation-token", () => {
  test("an empty token is the first page and is not echoed", async () => {
    const r = await list({ "list-type": "2", "continuation-token": "", "max-keys": "2" });
    expect(r.status).toBe(200);
    expect(r.all("Key")).toEqual([...KEYS].sort().slice(0, 2));
    expect(r.xml).not.toContain("<ContinuationToken>");
  });
});
