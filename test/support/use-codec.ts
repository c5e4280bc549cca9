// useCodec(): the preamble object-layer suites share: an erasure worker pool and temp dirs for
// drives, both gone after the suite (afterAll closes the pool and removes the dirs).
import { afterAll } from "bun:test";
import { ErasurePool, type ErasurePoolOptions } from "../../src/ec/index.ts";
import { TempDirs } from "./temp-dirs.ts";

export function useCodec(opts: ErasurePoolOptions = { workers: 2 }): { codec: ErasurePool; temp: TempDirs } {
  const codec = new ErasurePool(opts);
  const temp = new TempDirs();
  afterAll(async () => {
    await codec.close();
    temp.cleanup();
  });
  return { codec, temp };
}
