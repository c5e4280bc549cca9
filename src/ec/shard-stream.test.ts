// The streamed path of erasureDecode / erasureHeal: one stream per shard per read, chunks of any
// size, a stream that breaks part-way (its shard is missing from that block on, the others
// used), and no stream left open however the read ends. ShardStream's own rules at the end.
import { afterAll, expect, test } from "bun:test";
import { CodecError } from "./codec-error.ts";
import { erasureDecode } from "./erasure-decode.ts";
import { type ShardSink, erasureEncode } from "./erasure-encode.ts";
import { erasureHeal } from "./erasure-heal.ts";
import { ErasurePool } from "./erasure-pool.ts";
import { HASH_SIZE, type Layout, shardSize } from "./layout.ts";
import type { ShardSource } from "./shard-reader.ts";
import { ShardStream } from "./shard-stream.ts";

const pool = new ErasurePool({ workers: 2 });
afterAll(() => pool.close());

function bytesOf(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** A shard file in memory that counts random reads and the streams it opened (and has open). */
class StreamSource implements ShardSource {
  reads = 0;
  opened: { offset: number; length: number; chunk: number }[] = [];
  open = 0;
  /** The stream errors once it has handed out this many bytes. */
  failAfter = Infinity;

  constructor(
    readonly file: Uint8Array,
    /** Chunk size the stream uses instead of the one asked for. */
    readonly chunkSize?: number,
  ) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    this.reads++;
    return this.file.slice(offset, offset + length);
  }

  async stream(offset: number, length: number, chunk: number): Promise<ReadableStream<Uint8Array>> {
    this.opened.push({ offset, length, chunk });
    this.open++;
    let at = offset;
    let live = true;
    const end = () => {
      if (live) this.open--;
      live = false;
    };
    return new ReadableStream<Uint8Array>(
      {
        pull: (c) => {
          if (at - offset >= this.failAfter) {
            end();
            return c.error(new Error("drive gone mid-stream"));
          }
          if (at >= offset + length) {
            end();
            return c.close();
          }
          const n = Math.min(this.chunkSize ?? chunk, offset + length - at);
          c.enqueue(this.file.slice(at, at + n));
          at += n;
        },
        cancel: end,
      },
      { highWaterMark: 0 },
    );
  }
}

class MemorySink implements ShardSink {
  parts: Uint8Array[] = [];
  async write(segment: Uint8Array): Promise<void> {
    this.parts.push(segment.slice());
  }
  get bytes(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.parts));
  }
}

async function encode(layout: Layout, data: Uint8Array): Promise<Uint8Array[]> {
  const sinks = Array.from({ length: layout.d + layout.p }, () => new MemorySink());
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent) return c.close();
      sent = true;
      c.enqueue(data.slice());
    },
  });
  await erasureEncode(pool, layout, body, sinks, layout.d);
  return sinks.map((s) => s.bytes);
}

async function decode(layout: Layout, sources: (ShardSource | null)[], total: number, offset: number, length: number) {
  const parts: Uint8Array[] = [];
  const res = await erasureDecode(pool, layout, sources, total, offset, length, (c) => void parts.push(c.slice()));
  return { data: new Uint8Array(Buffer.concat(parts)), ...res };
}

const LAYOUT: Layout = { d: 4, p: 2, blockSize: 65536 };
const FRAME = HASH_SIZE + shardSize(LAYOUT.blockSize, LAYOUT.d);
const DATA = bytesOf(5 * 65536 + 999, 7);

test("erasureDecode reads each data shard through one stream over the blocks of the range, in chunks of any size", async () => {
  const files = await encode(LAYOUT, DATA);
  const B = LAYOUT.blockSize;
  const lastEnd = 5 * FRAME + HASH_SIZE + Math.ceil(999 / 4);
  for (const chunkSize of [undefined, 1000, 3 * FRAME + 5, 1 << 20]) {
    for (const [offset, length, first, end] of [
      [0, DATA.length, 0, lastEnd],
      [B + 17, 3 * B, 1, 5 * FRAME],
    ]) {
      const sources = files.map((f) => new StreamSource(f, chunkSize));
      const got = await decode(LAYOUT, sources, DATA.length, offset, length);
      expect(hex(got.data)).toBe(hex(DATA.subarray(offset, offset + length)));
      expect(got).toMatchObject({ corrupt: [], missing: [] });
      for (const s of sources.slice(0, 4)) {
        expect(s.opened).toEqual([{ offset: first * FRAME, length: end - first * FRAME, chunk: FRAME }]);
        expect(s.reads).toBe(0);
      }
      for (const s of sources.slice(4)) expect(s.opened.length + s.reads).toBe(0);
      expect(sources.map((s) => s.open)).toEqual([0, 0, 0, 0, 0, 0]);
    }
  }
});

test("a range inside one block is one random read per data shard, no stream", async () => {
  const files = await encode(LAYOUT, DATA);
  const sources = files.map((f) => new StreamSource(f));
  const got = await decode(LAYOUT, sources, DATA.length, 2 * 65536 + 5, 1000);
  expect(hex(got.data)).toBe(hex(DATA.subarray(2 * 65536 + 5, 2 * 65536 + 1005)));
  expect(sources.map((s) => [s.reads, s.opened.length])).toEqual([
    [1, 0],
    [1, 0],
    [1, 0],
    [1, 0],
    [0, 0],
    [0, 0],
  ]);
});

test("a stream that breaks part-way: that shard is missing from there on, a parity shard streams the rest", async () => {
  const files = await encode(LAYOUT, DATA);
  for (const chunkSize of [undefined, 7777]) {
    const sources = files.map((f) => new StreamSource(f, chunkSize));
    sources[1].failAfter = 2 * FRAME + 100; // blocks 0 and 1 arrive, block 2 does not
    const got = await decode(LAYOUT, sources, DATA.length, 0, DATA.length);
    expect(hex(got.data)).toBe(hex(DATA));
    expect(got).toMatchObject({ corrupt: [], missing: [1] });
    expect(sources[1].opened.length).toBe(1);
    // the first parity shard stands in from block 2 on: one stream (and at most a read for a block the stream passed)
    expect(sources[4].opened.length).toBe(1);
    expect(sources[4].opened[0].offset).toBeGreaterThanOrEqual(2 * FRAME);
    expect(sources[5].opened.length + sources[5].reads).toBe(0);
    expect(sources.map((s) => s.open)).toEqual([0, 0, 0, 0, 0, 0]);
  }
});

test("a corrupt block read from a stream is read again from every shard and reported", async () => {
  const files = await encode(LAYOUT, DATA);
  const bad = files[2].slice();
  bad[3 * FRAME + HASH_SIZE + 10] ^= 1; // block 3 of shard 2
  const sources = files.map((f, i) => new StreamSource(i === 2 ? bad : f));
  const got = await decode(LAYOUT, sources, DATA.length, 0, DATA.length);
  expect(hex(got.data)).toBe(hex(DATA));
  expect(got).toMatchObject({ corrupt: [2], missing: [] });
  expect(sources.map((s) => s.open)).toEqual([0, 0, 0, 0, 0, 0]);
});

test("every stream is cancelled when the reader stops early: the write fails or the signal aborts", async () => {
  const files = await encode(LAYOUT, DATA);
  let sources = files.map((f) => new StreamSource(f));
  let writes = 0;
  const failing = erasureDecode(pool, LAYOUT, sources, DATA.length, 0, DATA.length, () => {
    if (++writes === 2) throw new Error("client went away");
  });
  await expect(failing).rejects.toThrow("client went away");
  await Bun.sleep(10);
  expect(sources.map((s) => s.open)).toEqual([0, 0, 0, 0, 0, 0]);
  expect(sources[0].opened.length).toBe(1);

  sources = files.map((f) => new StreamSource(f));
  const abort = new AbortController();
  const aborted = erasureDecode(pool, LAYOUT, sources, DATA.length, 0, DATA.length, () => abort.abort(), { signal: abort.signal });
  await expect(aborted).rejects.toBeInstanceOf(CodecError);
  await Bun.sleep(10);
  expect(sources.map((s) => s.open)).toEqual([0, 0, 0, 0, 0, 0]);
});

test("erasureHeal reads each good shard through one stream for the whole part", async () => {
  const files = await encode(LAYOUT, DATA);
  const sources = files.map((f, i) => (i === 0 || i === 5 ? null : new StreamSource(f)));
  const sinks = files.map((_, i) => (i === 0 || i === 5 ? new MemorySink() : null));
  const res = await erasureHeal(pool, LAYOUT, sources, sinks, DATA.length);
  expect(res).toEqual({ corrupt: [], missing: [0, 5], failed: [] });
  expect(hex(sinks[0]!.bytes)).toBe(hex(files[0]));
  expect(hex(sinks[5]!.bytes)).toBe(hex(files[5]));
  for (const s of sources.slice(1, 5)) {
    expect(s!.opened).toEqual([{ offset: 0, length: files[1].length, chunk: FRAME }]);
    expect([s!.reads, s!.open]).toEqual([0, 0]);
  }
});

test("ShardStream: takes in order (skipping gaps), never backwards or past the end; a failure sticks", async () => {
  const file = bytesOf(1000, 3);
  const s = new ShardStream(new StreamSource(file, 64).stream(100, 800, 64), 100, 900);
  expect(hex(await s.take(100, 10))).toBe(hex(file.subarray(100, 110)));
  const [a, b] = await Promise.all([s.take(150, 200), s.take(400, 64)]);
  expect(hex(a)).toBe(hex(file.subarray(150, 350)));
  expect(hex(b)).toBe(hex(file.subarray(400, 464)));
  expect(s.accepts(300, 10)).toBe(false);
  expect(s.accepts(850, 51)).toBe(false);
  await expect(s.take(300, 10)).rejects.toBeInstanceOf(CodecError);

  const short = new StreamSource(file);
  const t = new ShardStream(short.stream(0, 500, 100), 0, 900);
  await expect(t.take(0, 600)).rejects.toMatchObject({ kind: "Truncated" });
  expect(t.accepts(600, 10)).toBe(false);

  const failing = new StreamSource(file, 100);
  failing.failAfter = 200;
  const u = new ShardStream(failing.stream(0, 1000, 100), 0, 1000);
  expect((await u.take(0, 150)).length).toBe(150);
  await expect(u.take(150, 100)).rejects.toThrow("drive gone mid-stream");
  await expect(u.take(300, 10)).rejects.toThrow("drive gone mid-stream");
  expect(failing.open).toBe(0);

  const cancelled = new StreamSource(file, 100);
  const w = new ShardStream(cancelled.stream(0, 1000, 100), 0, 1000);
  await w.take(0, 10);
  w.cancel(new Error("done"));
  expect(cancelled.open).toBe(0);
  await expect(w.take(10, 10)).rejects.toThrow("done");
});
