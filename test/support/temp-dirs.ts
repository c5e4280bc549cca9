// Temp directories for tests: real drives under the OS temp dir, removed at the end.
import { accessSync, constants, mkdtempSync, rmSync, cpSync, chmodSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export class TempDirs {
  #dirs: string[] = [];

  /** A new empty directory (under `base`, default the OS temp dir). */
  make(prefix = "bunker-test-", base = tmpdir()): string {
    const d = mkdtempSync(join(base, prefix));
    this.#dirs.push(d);
    return d;
  }

  /**
   * A new empty directory in memory (/dev/shm) where there is one, for tests that lay down tens
   * of thousands of files; the OS temp dir otherwise.
   */
  makeInMemory(prefix = "bunker-test-"): string {
    try {
      accessSync("/dev/shm", constants.W_OK);
      return this.make(prefix, "/dev/shm");
    } catch {
      return this.make(prefix);
    }
  }

  /** `count` new empty drive directories under one parent. */
  drives(count: number): string[] {
    const parent = this.make("bunker-drives-");
    return Array.from({ length: count }, (_, i) => join(parent, `d${i + 1}`));
  }

  /** A writable copy of a read-only fixture tree. */
  copyOf(src: string): string {
    const d = this.make("bunker-fixture-");
    cpSync(src, d, { recursive: true });
    makeWritable(d);
    return d;
  }

  cleanup(): void {
    for (const d of this.#dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  }
}

function makeWritable(path: string): void {
  const st = statSync(path);
  chmodSync(path, st.isDirectory() ? 0o755 : 0o644);
  if (st.isDirectory()) for (const name of readdirSync(path)) makeWritable(join(path, name));
}

/** Absolute path of the shared MinIO format fixtures (read-only). */
export const FIXTURES = join(import.meta.dir, "../../../shared/minio-format/fixtures");
