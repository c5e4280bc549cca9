// scripts/build-all-targets.ts: the host target compiles from src/server.ts with the erasure
// worker, its .tar.gz extracts with the system tar to an executable `bunker` that runs, and
// SHA256SUMS checks out; the zip writer's output passes `unzip -t` and keeps the file's bytes.
import { afterAll, expect, test } from "bun:test";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildAll, parseArgs, tarGz, zip } from "../../scripts/build-all-targets.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const temp = new TempDirs();
afterAll(() => temp.cleanup());
const HOST = `${process.platform}-${process.arch}`;

test.skipIf(HOST !== "linux-x64" && HOST !== "linux-arm64")(
  "the host target builds, packs, extracts and runs",
  () => {
    const out = temp.make("bunker-dist-");
    const result = buildAll(parseArgs(["--targets", HOST, "--outdir", out]));
    const [t] = result.targets;
    expect(t.binaryBytes).toBeGreaterThan(50e6);
    expect(t.archiveBytes).toBeLessThan(t.binaryBytes);
    const x = temp.make("bunker-extract-");
    expect(Bun.spawnSync(["tar", "-xzf", t.archive, "-C", x]).exitCode).toBe(0);
    expect(statSync(join(x, "bunker")).mode & 0o777).toBe(0o755);
    const run = Bun.spawnSync([join(x, "bunker"), "--version"], { stdout: "pipe", stderr: "pipe" });
    expect(run.stdout.toString()).toStartWith(`bunker version ${result.version}`);
    const sums = Bun.spawnSync(["sha256sum", "-c", "SHA256SUMS"], { cwd: out, stdout: "pipe" });
    expect(sums.stdout.toString()).toContain(`${t.archive.slice(out.length + 1)}: OK`);
    if (Bun.which("xz")) {
      // The release archive that meets the ≤ 50 MB size budget.
      expect(t.xzArchiveBytes!).toBeLessThan(50e6);
      const y = temp.make("bunker-extract-xz-");
      expect(Bun.spawnSync(["tar", "-xJf", t.xzArchive!, "-C", y]).exitCode).toBe(0);
      expect(Bun.spawnSync([join(y, "bunker"), "--version"], { stdout: "pipe" }).stdout.toString()).toStartWith(`bunker version ${result.version}`);
      expect(sums.stdout.toString()).toContain(`${t.xzArchive!.slice(out.length + 1)}: OK`);
    }
  },
  180_000,
);

test("tar.gz and zip writers produce archives the system tools read back", () => {
  const dir = temp.make("bunker-archives-");
  const data = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
  writeFileSync(join(dir, "a.zip"), zip("bunker.exe", data, new Date(2024, 5, 1, 12, 30, 10)));
  const test = Bun.spawnSync(["unzip", "-t", join(dir, "a.zip")], { stdout: "pipe" });
  expect(test.stdout.toString()).toContain("No errors detected");
  expect(Bun.spawnSync(["unzip", "-q", join(dir, "a.zip"), "-d", join(dir, "z")]).exitCode).toBe(0);
  expect(Buffer.compare(readFileSync(join(dir, "z/bunker.exe")), Buffer.from(data))).toBe(0);
  writeFileSync(join(dir, "a.tar.gz"), tarGz("bunker", data));
  const list = Bun.spawnSync(["tar", "-tvzf", join(dir, "a.tar.gz")], { stdout: "pipe" }).stdout.toString();
  expect(list).toMatch(/^-rwxr-xr-x .* 300000 .* bunker$/m);
});

test("targets and options are checked", () => {
  expect(parseArgs(["--targets", "linux-arm64,bun-windows-x64", "--offline"])).toMatchObject({
    targets: ["bun-linux-arm64", "bun-windows-x64"],
    offline: true,
  });
  expect(() => parseArgs(["--targets", "darwin-arm64"])).toThrow(/Unknown target/);
  expect(() => parseArgs(["--fast"])).toThrow(/Unknown option/);
});
