import { describe, expect, test } from "bun:test";
import { noise, textLike } from "../../test/support/s2-data.ts";
import { CompressError, type CompressErrorKind } from "./compress-error.ts";
import { S2_STREAM_IDENTIFIER, SNAPPY_MAGIC_BODY, maskedCrc32c, putChunkHeader, putUint32LE } from "./s2-frame.ts";
import { S2DecompressStream, S2Reader, decompressS2, decompressS2Chunks } from "./s2-reader.ts";
import { compressS2 } from "./s2-writer.ts";

const MiB = 1 << 20;
const eq = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

function kindOf(fn: () => unknown): CompressErrorKind | "none" {
  try {
    fn();
    return "none";
  } catch (err) {
    if (!(err instanceof CompressError)) throw err;
    return err.kind;
  }
}

function chunk(type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  putChunkHeader(out, 0, type, body.length);
  out.set(body, 4);
  return out;
}

function uncompressedChunk(data: Uint8Array): Uint8Array {
  const body = new Uint8Array(4 + data.length);
  putUint32LE(body, 0, maskedCrc32c(data));
  body.set(data, 4);
  return chunk(0x01, body);
}

const data = new Uint8Array(3 * MiB + 12345);
data.set(textLike(2 * MiB), 0);
data.set(noise(MiB + 12345), 2 * MiB);
const { stream, index } = compressS2(data);

describe("S2Reader", () => {
  test("decodes whatever the input piece sizes", () => {
    for (const step of [1 << 20, 65536, 4099, 3]) {
      const r = new S2Reader();
      const out: Uint8Array[] = [];
      const limit = step === 3 ? 300_000 : stream.length; // byte-sized pieces over a prefix only
      for (let p = 0; p < limit; p += step) out.push(...r.push(stream.subarray(p, Math.min(limit, p + step))));
      if (limit === stream.length) {
        r.end();
        expect(eq(Buffer.concat(out), data)).toBe(true);
      } else {
        const got = Buffer.concat(out);
        expect(eq(got, data.subarray(0, got.length))).toBe(true);
      }
    }
  });

  test("skip drops leading plaintext, across whole chunks and inside one", () => {
    for (const skip of [0, 1, MiB - 1, MiB, MiB + 1, 2 * MiB + 5, data.length]) {
      expect(eq(decompressS2(stream, { skip }), data.subarray(skip))).toBe(true);
    }
    expect(kindOf(() => decompressS2(stream, { skip: data.length + 1 }))).toBe("Truncated");
  });

  test("an index seek plus ignoreStreamIdentifier reads from the chunk holding the offset", () => {
    for (const offset of [5, MiB + 77, 3 * MiB]) {
      const at = index.find(offset);
      const out = decompressS2(stream.subarray(at.compressedOffset), { ignoreStreamIdentifier: at.compressedOffset > 0, skip: offset - at.uncompressedOffset });
      expect(eq(out, data.subarray(offset))).toBe(true);
    }
    expect(kindOf(() => decompressS2(stream.subarray(index.find(MiB).compressedOffset)))).toBe("Corrupt");
  });

  test("skips padding, index and other skippable chunks; accepts concatenated streams and the Snappy identifier", () => {
    const hello = new TextEncoder().encode("hello");
    const parts = [
      S2_STREAM_IDENTIFIER,
      chunk(0xfe, new Uint8Array(100)),
      uncompressedChunk(hello),
      chunk(0x99, new Uint8Array(30)),
      chunk(0x80, new Uint8Array(0)),
    ];
    parts.push(chunk(0xff, SNAPPY_MAGIC_BODY), uncompressedChunk(hello));
    expect(new TextDecoder().decode(decompressS2(Buffer.concat(parts)))).toBe("hellohello");
    expect(decompressS2(new Uint8Array(0)).length).toBe(0);
  });

  test("Snappy-framed blocks may not exceed 64 KiB", () => {
    const big = uncompressedChunk(new Uint8Array(65537));
    expect(kindOf(() => decompressS2(Buffer.concat([chunk(0xff, SNAPPY_MAGIC_BODY), big])))).toBe("Corrupt");
    expect(kindOf(() => decompressS2(Buffer.concat([S2_STREAM_IDENTIFIER, big])))).toBe("none");
  });

  test("refuses damaged streams with the right kind", () => {
    const hello = uncompressedChunk(new TextEncoder().encode("hello"));
    const flipped = hello.slice();
    flipped[10] ^= 1;
    expect(kindOf(() => decompressS2(Buffer.concat([S2_STREAM_IDENTIFIER, flipped])))).toBe("Checksum");
    expect(kindOf(() => decompressS2(hello))).toBe("Corrupt"); // no stream identifier
    expect(kindOf(() => decompressS2(Buffer.concat([S2_STREAM_IDENTIFIER, chunk(0x02, new Uint8Array(4))])))).toBe("Unsupported");
    expect(kindOf(() => decompressS2(Buffer.concat([S2_STREAM_IDENTIFIER, chunk(0x00, new Uint8Array(2))])))).toBe("Corrupt");
    expect(kindOf(() => decompressS2(chunk(0xff, new TextEncoder().encode("S2sTwX"))))).toBe("Corrupt");
    expect(kindOf(() => decompressS2(stream.subarray(0, stream.length - 1)))).toBe("Truncated");
    expect(kindOf(() => decompressS2(stream.subarray(0, 12)))).toBe("Truncated");
  });

  test("every truncation and sampled byte flips of a small stream end in CompressError or correct output", () => {
    const small = textLike(70_000);
    const s = compressS2(small, { blockSize: 16384, padding: 512 }).stream;
    // A stream has no end marker: cut at a chunk boundary it is a shorter valid stream (callers check the size).
    for (let n = 0; n < s.length; n++) {
      let out: Uint8Array | undefined;
      try {
        out = decompressS2(s.subarray(0, n));
      } catch (err) {
        expect((err as CompressError).kind).toBe("Truncated");
      }
      if (out) expect(eq(out, small.subarray(0, out.length))).toBe(true);
    }
    for (let i = 0; i < s.length; i += 13) {
      const bad = s.slice();
      bad[i] ^= 0x40;
      let out: Uint8Array | undefined;
      try {
        out = decompressS2(bad);
      } catch (err) {
        expect(err).toBeInstanceOf(CompressError);
      }
      // Flips inside the padding chunk's body are invisible; anything else decoded must be right.
      if (out) expect(eq(out, small)).toBe(true);
    }
  });

  test("after an error the reader keeps failing", () => {
    const r = new S2Reader();
    expect(() => r.push(new Uint8Array([1, 2, 3, 4]))).toThrow(CompressError);
    expect(() => r.push(stream)).toThrow(CompressError);
    expect(() => r.end()).toThrow(CompressError);
  });

  test("refuses a negative skip", () => {
    expect(() => new S2Reader({ skip: -1 })).toThrow(CompressError);
  });
});

/** 4000 copies of one 4 MiB-of-zeros chunk: ~16 GB of plaintext in a few hundred KB. */
function zeroBomb(): Uint8Array {
  const one = compressS2(new Uint8Array(4 * MiB), { blockSize: 4 * MiB }).stream.subarray(10);
  const out = new Uint8Array(10 + one.length * 4000);
  out.set(S2_STREAM_IDENTIFIER, 0);
  for (let i = 0; i < 4000; i++) out.set(one, 10 + i * one.length);
  return out;
}

describe("stream adapters", () => {
  test("decode() is lazy: a tiny input of huge plaintext is pulled block by block", () => {
    const bomb = zeroBomb();
    expect(bomb.length).toBeLessThan(1 * MiB);
    const r = new S2Reader();
    let n = 0;
    for (const block of r.decode(bomb)) {
      expect(block.length).toBe(4 * MiB);
      if (++n === 3) break;
    }
    expect(n).toBe(3);
  });

  test("S2DecompressStream pulls blocks on demand and can be cancelled", async () => {
    const src = new S2DecompressStream();
    const readable = new Blob([zeroBomb()]).stream().pipeThrough(src);
    const reader = readable.getReader();
    for (let i = 0; i < 3; i++) expect((await reader.read()).value!.length).toBe(4 * MiB);
    await reader.cancel();
  });

  test("decompressS2Chunks over an async iterable", async () => {
    async function* pieces() {
      for (let p = 0; p < stream.length; p += 100_000) yield stream.subarray(p, p + 100_000);
    }
    const out: Uint8Array[] = [];
    for await (const c of decompressS2Chunks(pieces(), { skip: 10 })) out.push(c);
    expect(eq(Buffer.concat(out), data.subarray(10))).toBe(true);
  });

  test("S2DecompressStream in a pipe, and its errors", async () => {
    const out = await new Response(new Blob([stream]).stream().pipeThrough(new S2DecompressStream())).arrayBuffer();
    expect(eq(new Uint8Array(out), data)).toBe(true);
    const broken = new Blob([stream.subarray(0, 5000)]).stream().pipeThrough(new S2DecompressStream());
    const err = await new Response(broken).arrayBuffer().catch((e) => e);
    expect(err).toBeInstanceOf(CompressError);
    expect((err as CompressError).kind).toBe("Truncated");
  });
});
