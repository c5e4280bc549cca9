// Where ErasurePool finds its worker entry point: beside this file when run from source; in a
// `bun build --compile` binary, wherever the bundler embedded erasure-worker (it keeps the
// entry point's path relative to the build root, so we look it up in /$bunfs/root).
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";

const NAME = "erasure-worker";

/** Finds the embedded worker entry below `dir` (a small tree: the binary's module graph). */
function findEmbedded(dir: string, depth: number): string | null {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return null;
  }
  for (const name of names) if (name === `${NAME}.js` || name === `${NAME}.ts`) return join(dir, name);
  if (depth === 0) return null;
  for (const name of names) {
    const path = join(dir, name);
    try {
      if (!statSync(path).isDirectory()) continue;
    } catch {
      continue;
    }
    const hit = findEmbedded(path, depth - 1);
    if (hit) return hit;
  }
  return null;
}

/** The worker entry to start: a file URL when running from source, an embedded path when compiled. */
export function defaultWorkerEntry(): string | URL {
  const beside = new URL(`./${NAME}.ts`, import.meta.url);
  if (!Bun.isStandaloneExecutable) return beside;
  const root = dirname(Bun.main);
  const direct = join(dirname(import.meta.path), `${NAME}.js`);
  if (existsSync(direct)) return direct;
  return findEmbedded(root, 6) ?? beside;
}
