// Release build: `bun build --compile --minify` of the server (plus the erasure worker entry)
// for every shipped target into dist/, each packed (.tar.gz with `bunker`, .zip with `bunker.exe`),
// a SHA256SUMS file, and the sizes printed as JSON. --offline compiles cross targets against
// runtimes fetched once with `npm pack @oven/bun-<target>` into a cache directory.
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { gzipSync, gunzipSync, deflateRawSync } from "node:zlib";
import { EC_WORKER_ENTRY } from "../src/ec/index.ts";

const ROOT = resolve(import.meta.dir, "..");

/** Every target we ship, and the npm package holding its Bun runtime. */
export const TARGETS: Readonly<Record<string, { npm: string; exe: string; pack: "tar.gz" | "zip" }>> = {
  "bun-linux-x64": { npm: "@oven/bun-linux-x64", exe: "bunker", pack: "tar.gz" },
  "bun-linux-x64-baseline": { npm: "@oven/bun-linux-x64-baseline", exe: "bunker", pack: "tar.gz" },
  "bun-linux-arm64": { npm: "@oven/bun-linux-aarch64", exe: "bunker", pack: "tar.gz" },
  "bun-windows-x64": { npm: "@oven/bun-windows-x64", exe: "bunker.exe", pack: "zip" },
};

export interface BuildOptions {
  targets: string[];
  offline: boolean;
  entry: string;
  outDir: string;
  cacheDir: string;
  version: string;
}

export function parseArgs(argv: readonly string[]): BuildOptions {
  const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version as string;
  const o: BuildOptions = {
    targets: Object.keys(TARGETS),
    offline: false,
    entry: join(ROOT, "src/server.ts"),
    outDir: join(ROOT, "dist"),
    cacheDir: join(ROOT, "node_modules/.cache/bunker-runtimes"),
    version,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i] ?? fail(`${flag} needs a value`);
    if (flag === "--targets")
      o.targets = value()
        .split(",")
        .map((t) => (t.startsWith("bun-") ? t : `bun-${t}`));
    else if (flag === "--offline") o.offline = true;
    else if (flag === "--entry") o.entry = resolve(value());
    else if (flag === "--outdir") o.outDir = resolve(value());
    else if (flag === "--cache-dir") o.cacheDir = resolve(value());
    else fail(`Unknown option "${argv[i]}"; use --targets a,b --offline --entry FILE --outdir DIR --cache-dir DIR`);
  }
  for (const t of o.targets) if (!(t in TARGETS)) fail(`Unknown target "${t}"; known: ${Object.keys(TARGETS).join(", ")}`);
  return o;
}

function fail(message: string): never {
  throw new Error(message);
}

function run(cmd: string[], cwd = ROOT): string {
  const p = Bun.spawnSync(cmd, { cwd, stdout: "pipe", stderr: "pipe" });
  if (p.exitCode !== 0) fail(`${cmd.join(" ")} failed (${p.exitCode}):\n${p.stderr.toString()}${p.stdout.toString()}`);
  return p.stdout.toString();
}

/**
 * The Bun runtime for `target` from its npm package, fetched with `npm pack` once per version
 * into `cacheDir` (bun build would otherwise download it on every cross build).
 */
export function ensureRuntime(target: string, cacheDir: string, bunVersion = Bun.version): string {
  const { npm, exe } = TARGETS[target];
  const dir = join(cacheDir, `${basename(npm)}-${bunVersion}`);
  const bin = join(dir, "package/bin", exe.endsWith(".exe") ? "bun.exe" : "bun");
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const tgz = run(["npm", "pack", `${npm}@${bunVersion}`, "--pack-destination", dir, "--silent"], dir)
    .trim()
    .split("\n")
    .at(-1)!;
  run(["tar", "-xzf", join(dir, tgz), "-C", dir]);
  rmSync(join(dir, tgz), { force: true });
  if (!existsSync(bin)) fail(`${npm}@${bunVersion} has no ${bin.slice(dir.length + 1)}`);
  chmodSync(bin, 0o755);
  return bin;
}

/** Compiles one target; returns the binary's path. */
export function compile(target: string, o: BuildOptions): string {
  const out = join(o.outDir, target, TARGETS[target].exe);
  rmSync(join(o.outDir, target), { recursive: true, force: true });
  mkdirSync(join(o.outDir, target), { recursive: true });
  const cmd = [process.execPath, "build", "--compile", "--minify", `--target=${target}`];
  // Offline, even the host target uses its package's runtime: the running bun may be another
  // build of it (npm installs the baseline x64 build on some machines, this one included).
  if (o.offline) cmd.push("--compile-executable-path", ensureRuntime(target, o.cacheDir));
  // --root keeps both entry points inside the binary's module tree (see src/ec/worker-entry.ts).
  cmd.push("--root", ROOT, o.entry, EC_WORKER_ENTRY, "--outfile", out);
  run(cmd);
  return out;
}

/** A ustar archive with one executable file, gzip-compressed. */
export function tarGz(name: string, data: Uint8Array, mtime = new Date()): Uint8Array {
  const header = Buffer.alloc(512);
  const field = (off: number, len: number, value: string) => header.write(value, off, len, "ascii");
  const octal = (off: number, len: number, n: number) => field(off, len, n.toString(8).padStart(len - 1, "0") + "\0");
  field(0, 100, name);
  octal(100, 8, 0o755);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, data.length);
  octal(136, 12, Math.floor(mtime.getTime() / 1000));
  field(148, 8, "        "); // checksum is computed with its own field as spaces
  field(156, 1, "0");
  field(257, 8, "ustar\u000000");
  const sum = header.reduce((a, b) => a + b, 0);
  field(148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return gzipSync(Buffer.concat([header, data, pad, Buffer.alloc(1024)]), { level: 9 });
}

function dosDateTime(d: Date): { time: number; date: number } {
  const time = (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2);
  const date = ((Math.max(1980, d.getFullYear()) - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate();
  return { time, date };
}

/** A zip archive with one deflated file (no zip64: fine below 4 GiB). */
export function zip(name: string, data: Uint8Array, mtime = new Date()): Uint8Array {
  const packed = deflateRawSync(data, { level: 9 });
  const crc = Bun.hash.crc32(data) >>> 0;
  const nameBytes = Buffer.from(name, "utf8");
  const { time, date } = dosDateTime(mtime);
  const common = (b: Buffer, at: number) => {
    b.writeUInt16LE(20, at); // version needed: 2.0 (deflate)
    b.writeUInt16LE(0x0800, at + 2); // UTF-8 names
    b.writeUInt16LE(8, at + 4); // deflate
    b.writeUInt16LE(time, at + 6);
    b.writeUInt16LE(date, at + 8);
    b.writeUInt32LE(crc, at + 10);
    b.writeUInt32LE(packed.length, at + 14);
    b.writeUInt32LE(data.length, at + 18);
    b.writeUInt16LE(nameBytes.length, at + 22);
  };
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  common(local, 4);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, so the 0755 mode below is honoured
  common(central, 6);
  central.writeUInt32LE((0o100755 << 16) >>> 0, 38);
  central.writeUInt32LE(0, 42); // local header offset
  const centralSize = central.length + nameBytes.length;
  const centralOffset = local.length + nameBytes.length + packed.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, nameBytes, packed, central, nameBytes, end]);
}

export interface BuiltTarget {
  target: string;
  binary: string;
  binaryBytes: number;
  archive: string;
  archiveBytes: number;
  sha256: string;
  /** A .tar.xz of the same binary, when `xz` is installed (about 25 % smaller than gzip/deflate). */
  xzArchive?: string;
  xzArchiveBytes?: number;
}

/**
 * The same binary as .tar.xz through the system `xz` (xz-utils): gzip and zip's deflate cannot
 * get the ~110 MB runtime under 50 MB (51 MB / 54 MB); xz -6 does (~39 MB in ~40 s; -9 saves 1 MB more for 2.5x the time). Skipped without xz.
 */
export function tarXz(tarGzBytes: Uint8Array, out: string): number | undefined {
  if (!Bun.which("xz")) return undefined;
  const tar = gunzipSync(tarGzBytes);
  const r = Bun.spawnSync(["xz", "-6", "-T0", "-c"], { stdin: tar, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`xz failed: ${r.stderr.toString().trim()}`);
  writeFileSync(out, r.stdout);
  return r.stdout.length;
}

/** Builds, packs and checksums every requested target. */
export function buildAll(o: BuildOptions): { version: string; bun: string; targets: BuiltTarget[]; sha256sums: string } {
  mkdirSync(o.outDir, { recursive: true });
  const built: BuiltTarget[] = [];
  for (const target of o.targets) {
    const { exe, pack } = TARGETS[target];
    const binary = compile(target, o);
    const data = readFileSync(binary);
    const archive = join(o.outDir, `bunker-${o.version}-${target.replace(/^bun-/, "")}.${pack}`);
    const mtime = statSync(binary).mtime;
    const gz = tarGz(exe, data, mtime);
    writeFileSync(archive, pack === "zip" ? zip(exe, data, mtime) : gz);
    const sha256 = createHash("sha256").update(readFileSync(archive)).digest("hex");
    const xzArchive = archive.replace(/\.(tar\.gz|zip)$/, ".tar.xz");
    const xzArchiveBytes = tarXz(gz, xzArchive);
    built.push({
      target,
      binary,
      binaryBytes: data.length,
      archive,
      archiveBytes: statSync(archive).size,
      sha256,
      ...(xzArchiveBytes ? { xzArchive, xzArchiveBytes } : {}),
    });
  }
  // SHA256SUMS covers every archive now in dist/, so building targets one at a time still adds up.
  const sums = join(o.outDir, "SHA256SUMS");
  const lines = readdirSync(o.outDir)
    .filter((f) => /^bunker-.*\.(tar\.gz|tar\.xz|zip)$/.test(f))
    .sort()
    .map(
      (f) =>
        `${createHash("sha256")
          .update(readFileSync(join(o.outDir, f)))
          .digest("hex")}  ${f}`,
    );
  writeFileSync(sums, lines.join("\n") + "\n");
  return { version: o.version, bun: Bun.version, targets: built, sha256sums: sums };
}

if (import.meta.main) {
  try {
    const result = buildAll(parseArgs(process.argv.slice(2)));
    console.log(JSON.stringify(result, null, 2));
  } catch (err) {
    console.error(`build-all-targets: ${(err as Error).message}`);
    process.exit(1);
  }
}
