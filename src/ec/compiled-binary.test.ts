// Proves the pool works inside `bun build --compile`: compiles a tiny program that encodes
// and decodes through ErasurePool (worker entry + .wasm embedded) into a temp dir and runs it.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EC_WORKER_ENTRY } from "./index.ts";

const dir = mkdtempSync(join(tmpdir(), "bunker-ec-compile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const APP = `
import { BLOCK_SIZE, ErasurePool, hashImplementation, highwayHash256 } from ${JSON.stringify(join(import.meta.dir, "index.ts"))};
const pool = new ErasurePool({ workers: 2 });
const data = new Uint8Array(3 * BLOCK_SIZE + 5).map((_, i) => (i * 7 + 3) & 255);
const segs = await pool.encode(4, 2, BLOCK_SIZE, data.slice());
const out = await pool.decode(4, 2, BLOCK_SIZE, [null, null, ...segs.slice(2)], data.length);
console.log(JSON.stringify({
  ok: Buffer.compare(out.data, data) === 0,
  standalone: Bun.isStandaloneExecutable,
  impl: hashImplementation(),
  empty: Buffer.from(highwayHash256(new Uint8Array(0))).toString("hex"),
}));
await pool.close();
`;

test("a compiled binary runs encode/decode jobs on the pool", async () => {
  writeFileSync(join(dir, "app.ts"), APP);
  const out = join(dir, "app");
  // --root / keeps every entry point inside the binary's module tree whatever the temp path
  const build = Bun.spawnSync([process.execPath, "build", "--compile", "--root", "/", join(dir, "app.ts"), EC_WORKER_ENTRY, "--outfile", out], {
    stdout: "pipe",
    stderr: "pipe",
  });
  expect(build.stderr.toString()).not.toContain("error");
  expect(build.exitCode).toBe(0);
  const run = Bun.spawnSync([out], { cwd: tmpdir(), stdout: "pipe", stderr: "pipe", timeout: 60_000 });
  expect(run.stderr.toString()).toBe("");
  const result = JSON.parse(run.stdout.toString());
  expect(result).toMatchObject({ ok: true, standalone: true, empty: "5e76d207cf4ab20866fdc03c83e8a0f4e8f458e880777956ec0bae4e9f23f6c5" });
  expect(["wasm", "native"]).toContain(result.impl);
}, 120_000);
