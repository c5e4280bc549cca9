// erasureEncode / erasureDecode / erasureHeal over in-memory sinks and sources: byte-exact
// shard files, every kind of range, failing and corrupt sinks/sources, quorum, abort.
import { afterAll, expect, test } from "bun:test";
import { CodecError } from "./codec-error.ts";
import { erasureDecode } from "./erasure-decode.ts";
import { type ShardSink, erasureEncode } from "./erasure-encode.ts";
import { erasureHeal } from "./erasure-heal.ts";
import { ErasurePool } from "./erasure-pool.ts";
import { HASH_SIZE, type Layout, bitrotFileSize } from "./layout.ts";
import type { ShardSource } from "./shard-reader.ts";
import { hex, pattern, readVector, rng, sha256 } from "../../test/support/ec-vectors.ts";

const pool = new ErasurePool({ workers: 2 });
afterAll(() => pool.close());

class MemorySink implements ShardSink {
  parts: Uint8Array[] = [];
  failAfter = Infinity;
  async write(segment: Uint8Array): Promise<void> {
    if (this.parts.length >= this.failAfter) throw new Error("disk gone");
    this.parts.push(segment.slice());
  }
  get bytes(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.parts));
  }
}

class MemorySource implements ShardSource {
  reads = 0;
  constructor(
    readonly file: Uint8Array,
    readonly fail = false,
  ) {}
  async read(offset: number, length: number): Promise<Uint8Array> {
    this.reads++;
    if (this.fail) throw new Error("read failed");
    return this.file.subarray(offset, offset + length);
  }
}

/** A ReadableStream of `data` in pseudo-random chunk sizes. */
function streamOf(data: Uint8Array, seed = 1): ReadableStream<Uint8Array> {
  const r = rng(seed);
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= data.length) return c.close();
      const n = 1 + r.int(200_000);
      c.enqueue(data.slice(at, at + n));
      at += n;
    },
  });
}

async function encodeToMemory(layout: Layout, data: Uint8Array) {
  const sinks = Array.from({ length: layout.d + layout.p }, () => new MemorySink());
  const res = await erasureEncode(pool, layout, streamOf(data), sinks, layout.d);
  expect(res).toEqual({ size: data.length, failed: [] });
  return sinks.map((s) => s.bytes);
}

async function readRange(layout: Layout, sources: (ShardSource | null)[], total: number, offset: number, length: number) {
  const parts: Uint8Array[] = [];
  const res = await erasureDecode(pool, layout, sources, total, offset, length, (c) => void parts.push(c.slice()));
  return { data: new Uint8Array(Buffer.concat(parts)), ...res };
}

test("erasureEncode writes MinIO's shard files byte for byte (bitrot-stream vectors)", async () => {
  const v = readVector("vectors/bitrot-stream.json");
  for (const c of v.cases) {
    const files = await encodeToMemory({ d: c.d, p: c.p, blockSize: c.block_size }, pattern(c.object_size));
    for (const f of c.files) expect(sha256(files[f.shard_index])).toBe(f.sha256);
  }
}, 60_000);

test("erasureDecode: every range class equals the slice, data shards only when they are good", async () => {
  const layout = { d: 4, p: 2, blockSize: 65536 };
  const data = rng(2).bytes(3 * 65536 + 1234);
  const files = await encodeToMemory(layout, data);
  for (const f of files) expect(f.length).toBe(bitrotFileSize(data.length, 65536, 4));
  const B = 65536;
  const ranges: [number, number][] = [
    [0, data.length],
    [0, 0],
    [data.length, 0],
    [5, 100],
    [B - 10, 20],
    [B, B],
    [B - 1, 2 * B + 2],
    [3 * B, 1234],
    [3 * B + 1000, 234],
    [data.length - 1, 1],
    [17, 3 * B],
    [0, 1],
  ];
  for (const [offset, length] of ranges) {
    const sources = files.map((f) => new MemorySource(f));
    const got = await readRange(layout, sources, data.length, offset, length);
    expect(hex(got.data)).toBe(hex(data.subarray(offset, offset + length)));
    expect(got.corrupt).toEqual([]);
    expect(got.missing).toEqual([]);
    expect(sources[4].reads + sources[5].reads).toBe(0);
  }
  expect(
    readRange(
      layout,
      files.map((f) => new MemorySource(f)),
      data.length,
      10,
      data.length,
    ),
  ).rejects.toThrow(CodecError);
});

test("erasureDecode routes around failing and corrupt sources and reports them", async () => {
  const layout = { d: 3, p: 2, blockSize: 10_000 };
  const data = rng(3).bytes(45_678);
  const files = await encodeToMemory(layout, data);
  const bad = files[2].slice();
  bad[2 * (HASH_SIZE + 3334) + HASH_SIZE + 7] ^= 0x40; // block 2 of shard 2
  const sources = [new MemorySource(files[0], true), new MemorySource(files[1]), new MemorySource(bad), new MemorySource(files[3]), new MemorySource(files[4])];
  const got = await readRange(layout, sources, data.length, 0, data.length);
  expect(hex(got.data)).toBe(hex(data));
  expect(got.missing).toEqual([0]);
  expect(got.corrupt).toEqual([2]);
  // one more shard gone: fewer than d good → Unrecoverable naming a block
  sources[4] = new MemorySource(files[4], true);
  try {
    await readRange(layout, sources, data.length, 25_000, 100);
    throw new Error("expected Unrecoverable");
  } catch (e) {
    expect((e as CodecError).kind).toBe("Unrecoverable");
    expect((e as CodecError).block).toBe(2);
  }
});

test("erasureEncode: empty source, failing sinks within and beyond quorum, source errors, abort", async () => {
  const layout = { d: 2, p: 2, blockSize: 4096 };
  const empty = Array.from({ length: 4 }, () => new MemorySink());
  expect(await erasureEncode(pool, layout, streamOf(new Uint8Array(0)), empty, 3)).toEqual({ size: 0, failed: [] });
  expect(empty.every((s) => s.parts.length === 0)).toBe(true);

  const data = pattern(5 * 4096 + 3);
  const sinks = Array.from({ length: 4 }, () => new MemorySink());
  sinks[1].failAfter = 2;
  const res = await erasureEncode(pool, layout, streamOf(data), sinks, 3);
  expect(res).toEqual({ size: data.length, failed: [1] });
  expect(sinks[1].parts.length).toBe(2);
  const full = await encodeToMemory(layout, data);
  expect(hex(sinks[3].bytes)).toBe(hex(full[3]));

  const lossy = Array.from({ length: 4 }, () => new MemorySink());
  lossy[0].failAfter = 1;
  lossy[2].failAfter = 3;
  const lost = await erasureEncode(pool, layout, streamOf(data), lossy, 3).catch((e) => e);
  expect(lost).toBeInstanceOf(CodecError);
  expect(lost.kind).toBe("QuorumLost");
  expect(await erasureEncode(pool, layout, streamOf(data), [null, null, new MemorySink(), new MemorySink()], 3).catch((e) => e.kind)).toBe("QuorumLost");

  const boom = new Error("client went away");
  async function* failing() {
    yield new Uint8Array(5000);
    throw boom;
  }
  const err = await erasureEncode(
    pool,
    layout,
    failing(),
    Array.from({ length: 4 }, () => new MemorySink()),
    3,
  ).catch((e) => e);
  expect(err.kind).toBe("SourceFailed");
  expect(err.cause).toBe(boom);

  const ac = new AbortController();
  ac.abort(new Error("stop"));
  expect(
    await erasureEncode(
      pool,
      layout,
      streamOf(data),
      Array.from({ length: 4 }, () => new MemorySink()),
      3,
      { signal: ac.signal },
    ).catch((e) => e.kind),
  ).toBe("Aborted");
});

test("erasureHeal rebuilds lost and corrupt shard files byte for byte", async () => {
  const layout = { d: 4, p: 2, blockSize: 65536 };
  const data = rng(4).bytes(2 * 65536 + 999);
  const files = await encodeToMemory(layout, data);
  const bad = files[5].slice();
  bad[HASH_SIZE + 1] ^= 1;
  const sources = [null, new MemorySource(files[1]), new MemorySource(files[2]), new MemorySource(files[3]), new MemorySource(files[4]), new MemorySource(bad)];
  const sinks = [new MemorySink(), null, null, null, null, new MemorySink()];
  const res = await erasureHeal(pool, layout, sources, sinks, data.length);
  expect(res.failed).toEqual([]);
  expect(res.missing).toEqual([0]);
  expect(hex(sinks[0]!.bytes)).toBe(hex(files[0]));
  expect(hex(sinks[5]!.bytes)).toBe(hex(files[5]));
  const none = [new MemorySink(), null, null, null, null, null];
  await erasureHeal(
    pool,
    layout,
    files.map((f) => new MemorySource(f)),
    none,
    0,
  );
  expect(none[0]!.parts.length).toBe(0);
});
