import { describe, expect, test } from "bun:test";
import { decodeRfc2047, encodeRfc2047 } from "./rfc2047.ts";

describe("RFC 2047 metadata values", () => {
  test("B and Q words decode, in UTF-8 and ISO-8859-1, whatever the case of the labels", () => {
    expect(decodeRfc2047("=?UTF-8?B?Y2Fmw6k=?=")).toBe("café");
    expect(decodeRfc2047("=?utf-8?b?5pel5pys?=")).toBe("日本");
    expect(decodeRfc2047("=?UTF-8?Q?caf=C3=A9_au_lait?=")).toBe("café au lait");
    expect(decodeRfc2047("=?ISO-8859-1?Q?caf=E9?=")).toBe("café");
  });

  test("text around words is kept; whitespace between adjacent words is not", () => {
    expect(decodeRfc2047("prix: =?UTF-8?B?MTDigqw=?= net")).toBe("prix: 10€ net");
    expect(decodeRfc2047("=?UTF-8?B?5pel?= =?UTF-8?B?5pys?=")).toBe("日本");
  });

  test("what is not a valid word stays as sent", () => {
    for (const v of ["plain", "=?", "=?UTF-8?B?not base64?=", "=?KOI8-R?B?w6k=?=", "=?UTF-8?B?/w==?=", "=?UTF-8?Q?=ZZ?=", "a=?b"])
      expect(decodeRfc2047(v)).toBe(v);
  });

  test("US-ASCII answers as is; anything else as one UTF-8 B word that decodes back", () => {
    expect(encodeRfc2047("blue sky")).toBe("blue sky");
    expect(encodeRfc2047("café")).toBe("=?UTF-8?B?Y2Fmw6k=?=");
    for (const t of ["日本", "naïve — ok", "😀"]) expect(decodeRfc2047(encodeRfc2047(t))).toBe(t);
  });
});
