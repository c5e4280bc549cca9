// .metadata.bin: byte-identical round trip of a real MinIO file, decoded values, defaults for
// missing fields, unknown fields carried through, and damaged input.
import { describe, expect, test } from "bun:test";
import { MsgpackWriter } from "../util/index.ts";
import { decodeBucketMetadata, encodeBucketMetadata, GO_ZERO_TIME_NS, newBucketMetadata } from "./bucket-metadata.ts";
import { XlMeta } from "./xl-meta/index.ts";
import { readFixture, hex } from "../../test/support/xl-meta-fixtures.ts";

const FIXTURE = "rustfs-captured-minio/bucket-interop.metadata.bin";
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe("bucket metadata", () => {
  test("the real MinIO file round-trips byte for byte", async () => {
    const bytes = await readFixture(FIXTURE);
    const m = decodeBucketMetadata(bytes);
    expect(m.unknownFields).toBeUndefined();
    expect(hex(encodeBucketMetadata(m))).toBe(hex(bytes));
  });

  test("decoded values match the fixture description", async () => {
    const m = decodeBucketMetadata(await readFixture(FIXTURE));
    expect(m.name).toBe("interop");
    expect(m.created).toBe(BigInt(Date.parse("2026-07-07T15:58:57.210Z")) * 1_000_000n + 712_000n);
    expect(m.lockEnabled).toBe(false);
    expect(text(m.policyConfigJson)).toStartWith('{"Version":"2012-10-17"');
    expect(text(m.versioningConfigXml)).toContain("Enabled");
    expect(text(m.quotaConfigJson)).toContain('"quota"');
    expect(m.bucketTargetsConfigJson.length).toBe(659);
    expect(text(m.bucketTargetsConfigMetaJson)).toContain("my-minio-key");
    for (const t of [m.policyConfigUpdatedAt, m.bucketTargetsConfigMetaUpdatedAt, m.lifecycleConfigUpdatedAt]) expect(t > m.created).toBe(true);
  });

  test("it is the inline payload of its own xl.meta, after the 32-byte bitrot hash", async () => {
    const meta = XlMeta.parse(await readFixture(`${FIXTURE}.xl.meta`));
    expect(hex(meta.inlineData("null")!.subarray(32))).toBe(hex(await readFixture(FIXTURE)));
  });

  test("a new bucket encodes empty configs as c4 00 and decodes back", () => {
    const m = newBucketMetadata("photos", 1_700_000_000_123_456_789n);
    const bytes = encodeBucketMetadata(m);
    expect(hex(bytes.subarray(0, 7))).toBe("01000100de0019");
    expect(hex(bytes)).toContain(hex(new TextEncoder().encode("PolicyConfigJSON")) + "c400");
    expect(decodeBucketMetadata(bytes)).toEqual(m);
  });

  test("missing fields get Go zero values; unknown fields are kept and written back", () => {
    const w = new MsgpackWriter();
    w.raw(new Uint8Array([1, 0, 1, 0]));
    w.mapHeader(3);
    w.str("Name");
    w.str("old");
    w.str("FutureField");
    w.arrayHeader(2);
    w.int(1);
    w.int(2);
    w.str("LockEnabled");
    w.bool(true);
    const m = decodeBucketMetadata(w.bytes());
    expect(m).toMatchObject({ name: "old", lockEnabled: true, created: GO_ZERO_TIME_NS, quotaConfigJson: new Uint8Array(0) });
    expect(m.unknownFields?.map(([k, v]) => [k, hex(v)])).toEqual([["FutureField", "920102"]]);
    const again = decodeBucketMetadata(encodeBucketMetadata(m));
    expect(again).toEqual(m);
    // Go's zero time is written as seconds −62135596800, nanoseconds 0.
    expect(hex(encodeBucketMetadata(m))).toContain("c70c05fffffff1886e090000000000");
  });

  test("bad headers and damaged bodies are Corrupt", async () => {
    const bytes = await readFixture(FIXTURE);
    expect(() => decodeBucketMetadata(bytes.subarray(0, 3))).toThrow(expect.objectContaining({ kind: "Corrupt" }));
    const wrongVersion = bytes.slice();
    wrongVersion[2] = 2;
    expect(() => decodeBucketMetadata(wrongVersion)).toThrow(/version 2/);
    for (const cut of [5, 100, 2000, bytes.length - 1]) {
      expect(() => decodeBucketMetadata(bytes.subarray(0, cut))).toThrow(expect.objectContaining({ kind: "Corrupt" }));
    }
  });
});
