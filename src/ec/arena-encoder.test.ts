// In-place encoding (EncodeBatch layout + ArenaEncoder in a kernel arena) against BlockCodec:
// random layouts, batch sizes, short last blocks and write splits, in one dirty arena shared by
// two kernel instances (as two workers share an arena); and the shared-memory kernel module.
import { describe, expect, test } from "bun:test";
import { ArenaBank } from "./arena-bank.ts";
import { ArenaEncoder } from "./arena-encoder.ts";
import { BlockCodec, type HashChoice } from "./block-codec.ts";
import { EcKernel } from "./ec-kernel.ts";
import { ARENA_DATA, EncodeBatch, kernelGeometry } from "./encode-batch.ts";
import { importSharedMemory } from "./kernel-module.ts";
import { hex, rng } from "../../test/support/ec-vectors.ts";

/** Writes `data` into `batch` in random pieces, as a network stream would deliver it. */
function writeInPieces(batch: EncodeBatch, data: Uint8Array, r: ReturnType<typeof rng>): void {
  for (let at = 0; at < data.length; ) {
    const piece = data.subarray(at, at + 1 + r.int(r.int(4) === 0 ? 5000 : 300));
    expect(batch.write(piece)).toBe(piece.length);
    at += piece.length;
  }
}

for (const hash of ["wasm", "auto"] as HashChoice[]) {
  describe(`ArenaEncoder (hash ${hash})`, () => {
    test("randomized: 2000 in-place jobs = BlockCodec, byte for byte", () => {
      const r = rng(hash === "wasm" ? 21 : 22);
      const reference = new BlockCodec(hash);
      const encoder = new ArenaEncoder(hash);
      const arena = new ArenaBank(0, () => {}).take("kernel", 2 << 20, "input");
      // two instances in one memory: each must reload its coefficient tables
      const kernels = [new EcKernel(arena.memory), new EcKernel(arena.memory)];
      for (let it = 0; it < 2000; it++) {
        const d = 1 + r.int(16);
        const p = r.int(Math.min(d, 16 - d) + 1);
        const blockSize = 1 + r.int(r.int(8) === 0 ? 20_000 : 1500);
        const blocks = 1 + r.int(4);
        const layout = { d, p, blockSize };
        const length = r.int(4) === 0 ? blocks * blockSize : r.int(blocks * blockSize + 1);
        const data = r.bytes(length);
        arena.state = "input";
        const batch = new EncodeBatch(arena, layout, blocks * blockSize, kernelGeometry(layout, blocks));
        writeInPieces(batch, data, r);
        expect(batch.write(new Uint8Array(blocks * blockSize - length + 1))).toBe(blocks * blockSize - length);
        const seg = encoder.encode(kernels[it & 1], d, p, blockSize, blocks, length);
        const want = reference.encode(d, p, blockSize, data);
        expect(seg).toBe(want.segmentLength);
        const stride = kernelGeometry(layout, blocks).stride;
        const whole = new Uint8Array(want.buffer);
        for (let i = 0; i < d + p; i++) {
          const got = new Uint8Array(arena.buffer, ARENA_DATA + i * stride, seg);
          expect(hex(got)).toBe(hex(whole.subarray(i * seg, (i + 1) * seg)));
        }
      }
    }, 60_000);
  });
}

describe("EncodeBatch", () => {
  test("a batch refuses writes once submitted, and an arena too small for its geometry", () => {
    const layout = { d: 4, p: 2, blockSize: 1000 };
    const g = kernelGeometry(layout, 2);
    const bank = new ArenaBank(0, () => {});
    const batch = new EncodeBatch(bank.take("kernel", g.bytes, "input"), layout, 2000, g);
    expect(batch.write(new Uint8Array(2500))).toBe(2000);
    batch.arena.state = "busy";
    expect(() => batch.write(new Uint8Array(1))).toThrow("after submitting");
    expect(() => new EncodeBatch(bank.take("kernel", 1000, "input"), layout, 2000, kernelGeometry(layout, 40))).toThrow("arena");
  });
});

describe("importSharedMemory", () => {
  test("turns the kernel's memory into an imported shared one; refuses other modules", () => {
    const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    expect(() => importSharedMemory(new Uint8Array(header))).toThrow("defines no memory");
    const importing = [...header, 0x02, 0x01, 0x00];
    expect(() => importSharedMemory(new Uint8Array(importing))).toThrow("must not import");
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
    const k = new EcKernel(memory);
    expect(k.memory.buffer).toBe(memory.buffer);
    expect(hex(k.hashBytes(new Uint8Array(0)))).toBe("5e76d207cf4ab20866fdc03c83e8a0f4e8f458e880777956ec0bae4e9f23f6c5");
    expect(() => k.ensure(1 << 20)).toThrow("Cannot map");
  });
});
