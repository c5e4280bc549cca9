// Damaged input: every truncation and many byte flips of real fixtures either parse or throw
// DriveError — never another error type, never a hang. Reading a parsed result must obey the
// same rule. Randomness is a fixed-seed generator so failures reproduce.
import { describe, expect, test } from "bun:test";
import { DriveError } from "../drive-error.ts";
import { XlMeta } from "./index.ts";
import { readFixture } from "../../../test/support/xl-meta-fixtures.ts";

const FILES = [
  "rustfs-captured-minio/versioned.txt.xl.meta",
  "rustfs-captured-minio/bucket-interop.metadata.bin.xl.meta",
  "minio-go-test-embedded/timestamp-v0.xl.meta",
  "minio-go-test-embedded/compressed-partidx.xl.meta",
  "minio-xl-meta-consist/1/xl.meta",
  "minio-testdata/xl.meta-v1.0",
  "minio-xl-meta-merge/xl1/testbucket/hosts/xl.meta",
];

/** Parses and exercises every reader; returns "ok" or rethrows anything that is not a DriveError. */
function exercise(bytes: Uint8Array): "ok" | "rejected" {
  try {
    const m = XlMeta.parse(bytes);
    for (const h of m.versions) m.fileInfo("b", "o", h.versionId, { data: true });
    m.fileInfos("b", "o");
    XlMeta.parse(m.toBytes());
    return "ok";
  } catch (err) {
    if (err instanceof DriveError) return "rejected";
    throw err;
  }
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

describe("damaged xl.meta", () => {
  for (const file of FILES) {
    test(`every truncation of ${file}`, async () => {
      const bytes = await readFixture(file);
      const step = Math.max(1, Math.floor(bytes.length / 400));
      for (let cut = 0; cut < bytes.length; cut += step) exercise(bytes.subarray(0, cut));
    });

    test(`random byte flips of ${file}`, async () => {
      const bytes = await readFixture(file);
      const next = rng(bytes.length);
      for (let round = 0; round < 300; round++) {
        const copy = bytes.slice();
        const flips = 1 + Math.floor(next() * 4);
        for (let f = 0; f < flips; f++) copy[Math.floor(next() * copy.length)] ^= 1 + Math.floor(next() * 255);
        exercise(copy);
      }
    });
  }

  test("flips inside the CRC-covered block of a v1.3 file are always rejected", async () => {
    const bytes = await readFixture("rustfs-captured-minio/small.txt.xl.meta");
    for (let i = 13; i < bytes.length - 5; i++) {
      const copy = bytes.slice();
      copy[i] ^= 0x55;
      expect(exercise(copy)).toBe("rejected");
    }
  });

  test("huge counts and lengths in legacy layouts fail fast", () => {
    const v10 = new Uint8Array([
      0x58,
      0x4c,
      0x32,
      0x20,
      0x31,
      0x20,
      0x20,
      0x20,
      0x81,
      0xa8,
      ...new TextEncoder().encode("Versions"),
      0xdd,
      0x7f,
      0xff,
      0xff,
      0xff,
    ]);
    expect(exercise(v10)).toBe("rejected");
    const v13 = new Uint8Array([0x58, 0x4c, 0x32, 0x20, 1, 0, 3, 0, 0xc6, 0xff, 0xff, 0xff, 0xf0, 3, 3]);
    expect(exercise(v13)).toBe("rejected");
    const major2 = new Uint8Array([0x58, 0x4c, 0x32, 0x20, 2, 0, 3, 0, 0xc4, 0]);
    expect(exercise(major2)).toBe("rejected");
  });
});
