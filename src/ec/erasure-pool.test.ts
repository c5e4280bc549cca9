// ErasurePool: results equal the in-thread codec and the TS reference (copied and in-place jobs),
// crashes are contained (WorkerCrashed, then the pool keeps working), close() rejects with
// Closed, a full queue makes submitters wait, and arenas let go are forgotten by the workers.
import { afterAll, describe, expect, test } from "bun:test";
import { BlockCodec } from "./block-codec.ts";
import { CodecError } from "./codec-error.ts";
import { ErasurePool } from "./erasure-pool.ts";
import { ReedSolomonReference } from "./reed-solomon-reference.ts";
import { HASH_SIZE } from "./layout.ts";
import { splitBlock } from "./shards.ts";
import { hex, rng, sha256 } from "../../test/support/ec-vectors.ts";

const FAULTY = new URL("../../test/support/faulty-worker.ts", import.meta.url);

async function rejection(p: Promise<unknown>): Promise<CodecError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CodecError);
    return e as CodecError;
  }
  throw new Error("expected a rejection");
}

describe("ErasurePool", () => {
  // Every decode through a worker here; small decodes on the calling thread are compared below.
  const pool = new ErasurePool({ workers: 2, hash: "wasm", inThreadBytes: 0 });
  afterAll(() => pool.close());

  test("randomized: 1500 pool encode/decode jobs = reference RS + in-thread codec", async () => {
    const local = new BlockCodec("wasm");
    const r = rng(11);
    for (let it = 0; it < 1500; it++) {
      const d = 1 + r.int(16);
      const p = r.int(Math.min(d, 16 - d) + 1);
      const blockSize = 1 + r.int(r.int(10) === 0 ? 3000 : 300);
      const data = r.bytes(r.int(4 * blockSize));
      const segs = await pool.encode(d, p, blockSize, data.slice());
      const mine = local.encode(d, p, blockSize, data);
      expect(hex(Buffer.concat(segs))).toBe(hex(new Uint8Array(mine.buffer)));
      if (data.length > 0 && data.length <= blockSize) {
        const ref = splitBlock(data, d, p);
        new ReedSolomonReference(d, p).encode(ref);
        segs.forEach((s, i) => expect(hex(s.subarray(HASH_SIZE))).toBe(hex(ref[i])));
      }
      const lost: (Uint8Array | null)[] = segs.slice();
      for (let k = r.int(p + 1); k > 0; k--) lost[r.int(d + p)] = null;
      const out = await pool.decode(d, p, blockSize, lost, data.length, { rebuild: r.int(2) === 0 });
      expect(hex(out.data)).toBe(hex(data));
      out.rebuilt?.forEach((s, i) => s && expect(hex(s)).toBe(hex(segs[i])));
    }
  }, 120_000);

  test("small decodes on the calling thread = worker decodes: data, corrupt, rebuilt, errors; inputs untouched", async () => {
    const here = new ErasurePool({ workers: 1, hash: "wasm" });
    const r = rng(13);
    for (let it = 0; it < 400; it++) {
      const d = 1 + r.int(8);
      const p = r.int(Math.min(d, 8 - d) + 1);
      const blockSize = 1 + r.int(2000);
      const data = r.bytes(r.int(3 * blockSize));
      const segs = (await pool.encode(d, p, blockSize, data.slice())).map((s) => s.slice());
      const damaged: (Uint8Array | null)[] = segs.map((s) => s.slice());
      for (let k = r.int(p + 2); k > 0; k--) {
        const i = r.int(d + p);
        if (r.int(2) === 0) damaged[i] = null;
        else if (damaged[i] && damaged[i].length > 0) damaged[i][r.int(damaged[i].length)] ^= 1 + r.int(255);
      }
      const rebuild = r.int(2) === 0;
      const outcome = async (pl: ErasurePool) => {
        const inputs = damaged.map((s) => (s ? s.slice() : null));
        try {
          const o = await pl.decode(d, p, blockSize, inputs, data.length, { rebuild, transfer: true });
          return { data: hex(o.data), corrupt: o.corrupt, rebuilt: o.rebuilt?.map((s) => s && hex(s)) };
        } catch (e) {
          expect(e).toBeInstanceOf(CodecError);
          const c = e as CodecError;
          return { kind: c.kind, message: c.message, block: c.block, shard: c.shard };
        }
      };
      const viaWorker = await outcome(pool);
      const inputs = damaged.map((s) => (s ? s.slice() : null));
      const local = await outcome(here);
      expect(local).toEqual(viaWorker);
      if ("data" in local) expect(local.data).toBe(hex(data));
      // The calling thread's decode neither detaches nor changes what it was given.
      await here.decode(d, p, blockSize, inputs, data.length, { transfer: true }).catch(() => {});
      inputs.forEach((s, i) => s && expect(hex(s)).toBe(hex(damaged[i]!)));
    }
    await here.close();
    expect(await rejection(here.decode(2, 1, 100, [null, null, null], 10))).toHaveProperty("kind", "Closed");
  }, 60_000);

  test("jobs in parallel finish, errors come back as CodecError with block/shard", async () => {
    const data = rng(1).bytes(100_000); // encode() detaches whole buffers: pass copies
    const all = await Promise.all(Array.from({ length: 20 }, () => pool.encode(4, 2, 16384, data.slice())));
    for (const segs of all) expect(hex(segs[5])).toBe(hex(all[0][5]));
    const segs = all[0].map((s) => s.slice());
    segs[1][HASH_SIZE + 5] ^= 1;
    const err = await rejection(pool.decode(4, 2, 16384, [null, segs[1], segs[2], segs[3], null, segs[5]], data.length));
    expect(err.kind).toBe("Unrecoverable");
    expect(err.block).toBe(0);
    expect((await pool.decode(4, 2, 16384, segs, data.length)).corrupt).toEqual([1]);
    expect(await rejection(pool.encode(0, 1, 10, data))).toHaveProperty("kind", "InvalidLayout");
  });

  test("in-place jobs (kernel arenas): batches and large encode() = in-thread codec, arenas reused dirty", async () => {
    const local = new BlockCodec("wasm");
    const r = rng(12);
    const layouts = [
      { d: 4, p: 2, blockSize: 1 << 20 },
      { d: 12, p: 4, blockSize: 1 << 20 },
      { d: 1, p: 1, blockSize: 300_000 },
      { d: 5, p: 3, blockSize: 100_001 },
    ];
    for (let it = 0; it < 32; it++) {
      const layout = layouts[it % layouts.length];
      const { d, p, blockSize } = layout;
      const blocks = 1 + r.int(3);
      const length = r.int(2) === 0 ? blocks * blockSize : 1 + r.int(blocks * blockSize);
      const data = r.bytes(length);
      let segs: Uint8Array[];
      if (r.int(2) === 0) segs = await pool.encode(d, p, blockSize, data);
      else {
        const batch = pool.batch(layout, blocks * blockSize);
        for (let at = 0; at < length; at += 70_000) batch.write(data.subarray(at, at + 70_000));
        segs = await pool.encodeBatch(batch);
      }
      const want = local.encode(d, p, blockSize, data);
      expect(sha256(new Uint8Array(Buffer.concat(segs)))).toBe(sha256(new Uint8Array(want.buffer)));
      if (r.int(4) !== 0) pool.release(segs); // most arenas go back and are reused with stale bytes
    }
  }, 60_000);

  test("batches: one submit each, no writes after it; unsubmitted ones and acquired buffers go back", async () => {
    const layout = { d: 4, p: 2, blockSize: 1 << 20 };
    const batch = pool.batch(layout, 1 << 20);
    batch.write(new Uint8Array(1000).fill(1));
    const segs = pool.encodeBatch(batch);
    expect(() => batch.write(new Uint8Array(1))).toThrow(CodecError);
    expect((await rejection(pool.encodeBatch(batch))).kind).toBe("InvalidLayout");
    expect((await segs).map((s) => s.length)).toEqual(Array(6).fill(HASH_SIZE + 250));
    pool.release(pool.batch(layout, 1 << 20));
    const input = pool.acquire(5000, layout);
    input.fill(3);
    const viaAcquire = await pool.encode(4, 2, 1 << 20, input);
    expect(hex(viaAcquire[5])).toBe(hex((await pool.encode(4, 2, 1 << 20, new Uint8Array(5000).fill(3)))[5]));
    const tooSmall = pool.acquire(5000); // no layout: no room for the segments, so encode() copies
    tooSmall.fill(3);
    expect(hex((await pool.encode(4, 2, 1 << 20, tooSmall))[5])).toBe(hex(viaAcquire[5]));
    pool.release(pool.acquire(10));
  });
});

describe("ErasurePool arenas", () => {
  test("arenas the bank lets go are forgotten by the workers, jobs keep working (no bank, forced GC)", async () => {
    const pool = new ErasurePool({ workers: 2, hash: "wasm", arenaBytes: 0 });
    const data = rng(5).bytes(3 << 20);
    const want = hex(new Uint8Array(new BlockCodec("wasm").encode(4, 2, 1 << 20, data).buffer));
    for (let round = 0; round < 6; round++) {
      const results = await Promise.all([0, 1, 2].map(() => pool.encode(4, 2, 1 << 20, data)));
      for (const segs of results) {
        expect(hex(new Uint8Array(Buffer.concat(segs)))).toBe(want);
        pool.release(segs);
      }
      Bun.gc(true);
      await Bun.sleep(5);
    }
    await pool.close();
  }, 30_000);
});

describe("ErasurePool faults", () => {
  test("a worker that exits or throws fails its job with WorkerCrashed and is replaced", async () => {
    const pool = new ErasurePool({ workers: 2, workerUrl: FAULTY, hash: "wasm" });
    const data = new Uint8Array(5000).fill(7);
    const ok = await pool.encode(2, 1, 4096, data.slice());
    expect((await rejection(pool.encode(2, 1, 7001, data.slice()))).kind).toBe("WorkerCrashed");
    expect((await rejection(pool.encode(2, 1, 7002, data.slice()))).kind).toBe("WorkerCrashed");
    const jobs = Array.from({ length: 6 }, () => pool.encode(2, 1, 4096, data.slice()));
    for (const segs of await Promise.all(jobs)) expect(hex(segs[2])).toBe(hex(ok[2]));
    // in place (kernel arenas): the crashed job's arena is dropped, replacements get theirs
    const big = rng(6).bytes(400_000);
    const okBig = await pool.encode(2, 1, 4096, big);
    expect((await rejection(pool.encode(2, 1, 7001, big))).kind).toBe("WorkerCrashed");
    for (const segs of await Promise.all([0, 1, 2, 3].map(() => pool.encode(2, 1, 4096, big)))) expect(sha256(segs[2])).toBe(sha256(okBig[2]));
    await pool.close();
  });

  test("close() rejects queued and running jobs with Closed, later submits too", async () => {
    const pool = new ErasurePool({ workers: 1, maxQueued: 8, hash: "wasm" });
    const big = new Uint8Array(4 << 20);
    const jobs = Array.from({ length: 5 }, () => pool.encode(8, 4, 1 << 20, big.slice()));
    const outcomes = jobs.map(rejection);
    await pool.close();
    for (const o of outcomes) expect((await o).kind).toBe("Closed");
    expect((await rejection(pool.encode(2, 1, 10, new Uint8Array(10)))).kind).toBe("Closed");
  });

  test("backpressure: submits beyond maxQueued wait, the queue never exceeds it", async () => {
    const pool = new ErasurePool({ workers: 1, maxQueued: 2, hash: "wasm" });
    const data = new Uint8Array(2 << 20).fill(1);
    let maxSeen = 0;
    const jobs = Array.from({ length: 12 }, () => {
      const j = pool.encode(4, 2, 1 << 20, data.slice());
      maxSeen = Math.max(maxSeen, pool.queued);
      return j;
    });
    const timer = setInterval(() => (maxSeen = Math.max(maxSeen, pool.queued)), 1);
    await Promise.all(jobs);
    clearInterval(timer);
    expect(maxSeen).toBeLessThanOrEqual(2);
    expect(pool.queued).toBe(0);
    await pool.close();
  });
});
