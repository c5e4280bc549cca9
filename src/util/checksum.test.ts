// Checksum vectors (check values, AWS examples, SPEC §2.13 blob), table code against a bitwise
// reference, and the multipart combination forms.
import { xorshiftBytes } from "../../test/support/xorshift.ts";
import { describe, expect, test } from "bun:test";
import {
  algorithmOfChecksumHeader,
  CHECKSUM_ALGORITHMS,
  checksumOf,
  combineCrcParts,
  compositeChecksum,
  createChecksummer,
  crcCombine,
  decodeChecksum,
  decodeMinioChecksums,
  encodeMinioChecksums,
  parseChecksumAlgorithm,
  toBase64,
  type ChecksumAlgorithm,
} from "./index.ts";

const enc = new TextEncoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const fromHex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "hex"));

/** Bit-at-a-time reference CRC (reflected), independent of the table code under test. */
function referenceCrc(data: Uint8Array, width: 32 | 64, poly: bigint): bigint {
  const mask = (1n << BigInt(width)) - 1n;
  let crc = mask;
  for (const byte of data) {
    crc ^= BigInt(byte);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  return crc ^ mask;
}

const random = (n: number, seed: number) => xorshiftBytes(n, seed);

describe("check values", () => {
  const nine = enc.encode("123456789");
  test.each([
    ["CRC32", "cbf43926"],
    ["CRC32C", "e3069283"],
    ["CRC64NVME", "ae8b14860a799888"],
    ["SHA1", "f7c3bc1d808e04732adf679965ccc34ca7ae3441"],
    ["SHA256", "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225"],
  ] as [ChecksumAlgorithm, string][])("%s of 123456789", (algo, want) => {
    expect(hex(checksumOf(algo, nine))).toBe(want);
  });

  test("AWS trailer example: CRC32C of 66560 'a' bytes is sOO8/Q==", () => {
    expect(toBase64(checksumOf("CRC32C", new Uint8Array(66560).fill(0x61)))).toBe("sOO8/Q==");
  });

  test("empty input", () => {
    expect(hex(checksumOf("CRC32", new Uint8Array(0)))).toBe("00000000");
    expect(hex(checksumOf("CRC64NVME", new Uint8Array(0)))).toBe("0000000000000000");
    expect(hex(checksumOf("SHA256", new Uint8Array(0)))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
});

describe("table code matches the bitwise reference", () => {
  const data = random(4099, 7);
  // Unaligned views exercise the head/word/tail split.
  for (const [start, end] of [
    [0, 4099],
    [1, 4099],
    [3, 20],
    [5, 6],
    [2, 2],
  ]) {
    const view = data.subarray(start, end);
    test(`range ${start}..${end}`, () => {
      expect(hex(checksumOf("CRC32C", view))).toBe(referenceCrc(view, 32, 0x82f63b78n).toString(16).padStart(8, "0"));
      expect(hex(checksumOf("CRC32", view))).toBe(referenceCrc(view, 32, 0xedb88320n).toString(16).padStart(8, "0"));
      expect(hex(checksumOf("CRC64NVME", view))).toBe(referenceCrc(view, 64, 0x9a6c9329ac4bc9b5n).toString(16).padStart(16, "0"));
    });
  }

  test("streaming in uneven pieces equals one shot", () => {
    for (const algo of CHECKSUM_ALGORITHMS) {
      const c = createChecksummer(algo);
      for (let i = 0; i < data.length; i += 37) c.update(data.subarray(i, Math.min(data.length, i + 37)));
      expect(hex(c.digest())).toBe(hex(checksumOf(algo, data)));
    }
  });
});

describe("multipart forms", () => {
  const parts = [random(1000, 1), random(1, 2), random(0, 3), random(5000, 4)];
  const whole = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((off, p) => (whole.set(p, off), off + p.length), 0);

  test.each(["CRC32", "CRC32C", "CRC64NVME"] as const)("%s FULL_OBJECT combination equals the CRC of the whole", (algo) => {
    const combined = combineCrcParts(
      algo,
      parts.map((p) => ({ checksum: checksumOf(algo, p), size: p.length })),
    );
    expect(hex(combined)).toBe(hex(checksumOf(algo, whole)));
  });

  test("crcCombine with an empty second range is the identity", () => {
    expect(crcCombine("CRC32C", 0x1234n, 0n, 0)).toBe(0x1234n);
  });

  test("COMPOSITE is the checksum of the concatenated part checksums, suffixed -N", () => {
    const partSums = parts.map((p) => checksumOf("SHA256", p));
    const concat = Buffer.concat(partSums);
    const { value, raw } = compositeChecksum("SHA256", partSums);
    expect(hex(raw)).toBe(hex(checksumOf("SHA256", concat)));
    expect(value).toBe(`${toBase64(raw)}-4`);
  });
});

describe("names and base64", () => {
  test("algorithm parsing", () => {
    expect(parseChecksumAlgorithm("crc64nvme")).toBe("CRC64NVME");
    expect(parseChecksumAlgorithm("md5")).toBeUndefined();
    expect(algorithmOfChecksumHeader("X-Amz-Checksum-Sha1")).toBe("SHA1");
    expect(algorithmOfChecksumHeader("x-amz-checksum-type")).toBeUndefined();
  });

  test("strict checksum decoding", () => {
    expect(decodeChecksum("CRC32C", "sOO8/Q==")).toEqual(fromHex("b0e3bcfd"));
    expect(decodeChecksum("CRC32C", "sOO8/Q")).toBeUndefined(); // padding missing
    expect(decodeChecksum("CRC32", "sOO8/Q==AAAA")).toBeUndefined(); // wrong length
    expect(decodeChecksum("CRC32", "sOO8 /Q=")).toBeUndefined();
    expect(decodeChecksum("CRC32", "sOO8/R==")).toBeUndefined(); // non-canonical trailing bits
  });
});

describe("MinIO x-minio-internal-crc blob", () => {
  const specExample = fromHex("d0 01 2c d2 c3 a0 01 f5 0b 8e 4b");

  test("decodes the SPEC §2.13 example", () => {
    const [entry, ...rest] = decodeMinioChecksums(specExample);
    expect(rest).toHaveLength(0);
    expect(entry.algorithm).toBe("CRC32C");
    expect(hex(entry.raw)).toBe("2cd2c3a0");
    expect(entry.multipart?.count).toBe(1);
    expect(entry.multipart?.parts?.map(hex)).toEqual(["f50b8e4b"]);
    expect(entry.trailing).toBeUndefined();
  });

  test("re-encodes the SPEC example byte for byte", () => {
    expect(hex(encodeMinioChecksums(decodeMinioChecksums(specExample)))).toBe(hex(specExample));
  });

  test("round-trips single, trailing and full-object entries", () => {
    const entries = [
      { algorithm: "SHA256" as const, raw: checksumOf("SHA256", enc.encode("x")), trailing: true },
      {
        algorithm: "CRC64NVME" as const,
        raw: checksumOf("CRC64NVME", enc.encode("y")),
        fullObject: true,
        multipart: { count: 300 },
      },
    ];
    const blob = encodeMinioChecksums(entries);
    expect(blob[0]).toBe(3); // SHA256 | Trailing
    expect(decodeMinioChecksums(blob)).toEqual(entries);
  });

  test("stops at a truncated entry but keeps the good ones", () => {
    const good = encodeMinioChecksums([{ algorithm: "CRC32", raw: fromHex("01020304") }]);
    const blob = new Uint8Array([...good, 0x10, 0x01]);
    expect(decodeMinioChecksums(blob)).toEqual([{ algorithm: "CRC32", raw: fromHex("01020304") }]);
  });

  test("rejects a raw value of the wrong size", () => {
    expect(() => encodeMinioChecksums([{ algorithm: "SHA1", raw: new Uint8Array(4) }])).toThrow(RangeError);
  });
});
