// Builds every WebAssembly kernel we own: src/**/*.wat → the .wasm beside it (wabt from npm,
// SIMD and relaxed SIMD enabled). The .wasm files are committed so `bun src/server.ts` and
// `bun build --compile` need no build step; `--check` fails when a committed .wasm no longer
// matches its source (run by `npm test`).
import { readdirSync, readFileSync, statSync, writeFileSync, existsSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import wabtInit from "wabt";

const ROOT = resolve(import.meta.dir, "..");

function listWat(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listWat(p));
    else if (name.endsWith(".wat")) out.push(p);
  }
  return out;
}

export async function compileWat(path: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const features = { simd: true, relaxed_simd: true, bulk_memory: true, mutable_globals: true, sign_extension: true, multi_value: true };
  const mod = wabt.parseWat(path, readFileSync(path, "utf8"), features);
  try {
    mod.resolveNames();
    mod.validate();
    return new Uint8Array(mod.toBinary({ log: false, write_debug_names: false }).buffer);
  } finally {
    mod.destroy();
  }
}

if (import.meta.main) {
  const checkOnly = process.argv.includes("--check");
  let stale = 0;
  for (const wat of listWat(join(ROOT, "src"))) {
    const wasmPath = wat.replace(/\.wat$/, ".wasm");
    const bytes = await compileWat(wat);
    const same = existsSync(wasmPath) && Buffer.compare(readFileSync(wasmPath), bytes) === 0;
    if (checkOnly) {
      if (!same) {
        stale++;
        console.error(`${relative(ROOT, wasmPath)} does not match ${relative(ROOT, wat)}: run \`bun run build:wasm\``);
      }
    } else if (!same) {
      writeFileSync(wasmPath, bytes);
      console.log(`built ${relative(ROOT, wasmPath)} (${bytes.length} bytes)`);
    }
  }
  if (checkOnly) console.log(stale === 0 ? "wasm: up to date" : `wasm: ${stale} stale`);
  process.exit(stale === 0 ? 0 : 1);
}
