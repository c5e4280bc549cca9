// install.sh in a scratch root (--root): fresh install from a release .tar.gz, reinstall,
// taking over minio.service, uninstall; systemctl is a fake that records its calls. Units are
// checked with `systemd-analyze verify` (Debian's systemd package), and the test says so when
// that tool is missing instead of passing quietly.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, cpSync, existsSync, realpathSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { tarGz } from "../../scripts/build-all-targets.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const INSTALL = resolve(import.meta.dir, "../../install.sh");
const temp = new TempDirs();
afterAll(() => temp.cleanup());

const ANALYZE = Bun.which("systemd-analyze");
if (!ANALYZE) console.warn("install-sh.test: SKIPPING unit verification: systemd-analyze is not installed (apt-get install systemd)");

const FAKE_BUNKER = '#!/bin/sh\necho "bunker version 9.9.9 (test)"\n';

function scratch() {
  const root = temp.make("bunker-root-");
  const dir = temp.make("bunker-install-");
  const log = join(dir, "systemctl.log");
  const systemctl = join(dir, "systemctl");
  writeFileSync(systemctl, `#!/bin/sh\necho "$*" >> "${log}"\n`);
  chmodSync(systemctl, 0o755);
  const bin = join(dir, "bunker");
  writeFileSync(bin, FAKE_BUNKER);
  chmodSync(bin, 0o755);
  const archive = join(dir, "bunker-9.9.9-linux-x64.tar.gz");
  writeFileSync(archive, tarGz("bunker", new TextEncoder().encode(FAKE_BUNKER)));
  const calls = () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : []);
  const read = (p: string) => readFileSync(join(root, p), "utf8");
  return { root, dir, systemctl, bin, archive, calls, read };
}

function run(args: string[], stdin: "ignore" | "pipe" = "ignore") {
  const p = Bun.spawnSync(["sh", INSTALL, ...args], { stdin, stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
}

/** systemd-analyze verify inside the scratch root (with the host's stock units and /bin/sh). */
function verifyUnit(root: string, unit = "/etc/systemd/system/bunker.service") {
  const units = ["/usr/lib/systemd/system", "/lib/systemd/system"].find((d) => existsSync(join(d, "multi-user.target")))!;
  if (!existsSync(join(root, "usr/lib/systemd/system"))) cpSync(units, join(root, "usr/lib/systemd/system"), { recursive: true });
  mkdirSync(join(root, "bin"), { recursive: true });
  if (!existsSync(join(root, "bin/sh"))) {
    copyFileSync(realpathSync("/bin/sh"), join(root, "bin/sh"));
    chmodSync(join(root, "bin/sh"), 0o755);
  }
  const p = Bun.spawnSync([ANALYZE!, "verify", `--root=${root}`, unit], { stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode, out: p.stdout.toString() + p.stderr.toString() };
}

const MINIO_UNIT = `[Unit]
Description=MinIO
Wants=network-online.target
After=network-online.target
AssertFileIsExecutable=/usr/local/bin/minio

[Service]
User=minio-user
Group=minio-user
EnvironmentFile=-/etc/default/minio
ExecStart=/usr/local/bin/minio server $MINIO_OPTS $MINIO_VOLUMES
Restart=always
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
`;

describe("fresh install", () => {
  const s = scratch();

  test("installs the binary from a .tar.gz, the user, the settings and the unit", () => {
    const r = run(["--root", s.root, "--systemctl", s.systemctl, s.archive]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("installed /usr/local/bin/bunker (bunker version 9.9.9 (test))");
    expect(statSync(join(s.root, "usr/local/bin/bunker")).mode & 0o777).toBe(0o755);
    expect(s.read("usr/local/bin/bunker")).toBe(FAKE_BUNKER);
    expect(s.read("etc/passwd")).toMatch(/^bunker:x:\d+:\d+:Bunker object storage:\/var\/lib\/bunker:\/usr\/sbin\/nologin$/m);
    expect(s.read("etc/group")).toMatch(/^bunker:x:\d+:$/m);
    const env = s.read("etc/default/bunker");
    expect(env).toContain('BUNKER_VOLUMES="/var/lib/bunker/data"');
    expect(env).toMatch(/^BUNKER_ROOT_PASSWORD="[0-9a-f]{48}"$/m);
    expect(statSync(join(s.root, "etc/default/bunker")).mode & 0o777).toBe(0o640);
    expect(existsSync(join(s.root, "var/lib/bunker/data"))).toBe(true);
    const unit = s.read("etc/systemd/system/bunker.service");
    for (const line of [
      "Type=simple",
      "User=bunker",
      "Group=bunker",
      "EnvironmentFile=-/etc/default/bunker",
      "ExecStart=/usr/local/bin/bunker server $BUNKER_OPTS $BUNKER_VOLUMES",
      "Restart=on-failure",
      "LimitNOFILE=1048576",
      "TimeoutStopSec=60s",
      "After=network-online.target",
      "Wants=network-online.target",
      "WantedBy=multi-user.target",
    ]) {
      expect(unit.split("\n")).toContain(line);
    }
    expect(s.calls()).toEqual(["daemon-reload", "enable bunker.service", "restart bunker.service"]);
  });

  test.skipIf(!ANALYZE)("the unit passes systemd-analyze verify, which does catch a broken unit", () => {
    const ok = verifyUnit(s.root);
    expect(ok.out).toBe("");
    expect(ok.code).toBe(0);
    const bad = join(s.root, "etc/systemd/system/broken.service");
    writeFileSync(
      bad,
      s
        .read("etc/systemd/system/bunker.service")
        .replace("ExecStart=/usr/local/bin/bunker", "ExecStart=/usr/local/bin/nothing")
        .replace("Type=simple", "Type=simple\nBogusKey=1"),
    );
    const res = verifyUnit(s.root, "/etc/systemd/system/broken.service");
    expect(res.out).toContain("Unknown key");
    expect(res.code).not.toBe(0);
  });

  test("a reinstall keeps the settings and records nothing twice", () => {
    const envPath = join(s.root, "etc/default/bunker");
    writeFileSync(envPath, s.read("etc/default/bunker").replace("bunkeradmin", "ops"));
    const r = run(["--root", s.root, "--systemctl", s.systemctl, s.bin]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("kept the existing /etc/default/bunker");
    expect(s.read("etc/default/bunker")).toContain('BUNKER_ROOT_USER="ops"');
    expect(s.read("etc/passwd").match(/^bunker:/gm)).toHaveLength(1);
    const manifest = s.read("var/lib/bunker-install/manifest").trim().split("\n");
    expect(new Set(manifest).size).toBe(manifest.length);
  });

  test("uninstall removes what was installed, keeps edited settings and the data", () => {
    writeFileSync(s.systemctl.replace("systemctl", "systemctl.log"), "");
    const r = run(["--root", s.root, "--systemctl", s.systemctl, "--uninstall"]);
    expect(r.code).toBe(0);
    for (const p of ["usr/local/bin/bunker", "etc/systemd/system/bunker.service", "var/lib/bunker-install"]) expect(existsSync(join(s.root, p))).toBe(false);
    expect(s.read("etc/passwd")).not.toContain("bunker:");
    expect(s.read("etc/group")).not.toContain("bunker:");
    expect(r.out).toContain("kept /etc/default/bunker: it was edited after installation");
    expect(existsSync(join(s.root, "var/lib/bunker/data"))).toBe(true);
    expect(s.calls()).toEqual(["disable --now bunker.service", "daemon-reload"]);
  });
});

describe("taking over minio.service", () => {
  const s = scratch();
  mkdirSync(join(s.root, "etc/systemd/system"), { recursive: true });
  mkdirSync(join(s.root, "etc/default"), { recursive: true });
  mkdirSync(join(s.root, "usr/local/bin"), { recursive: true });
  writeFileSync(join(s.root, "etc/systemd/system/minio.service"), MINIO_UNIT);
  writeFileSync(join(s.root, "etc/default/minio"), 'MINIO_VOLUMES="/mnt/data{1...4}"\nMINIO_OPTS="--console-address :9001"\n');
  writeFileSync(join(s.root, "etc/passwd"), "minio-user:x:990:990::/home/minio-user:/sbin/nologin\n");
  writeFileSync(join(s.root, "etc/group"), "minio-user:x:990:\n");

  test("without --takeover-minio a non-interactive run leaves it alone and says how", () => {
    const other = scratch();
    cpSync(join(s.root, "etc"), join(other.root, "etc"), { recursive: true });
    const r = run(["--root", other.root, "--no-systemctl", other.bin]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("rerun with --takeover-minio");
    expect(other.read("etc/systemd/system/bunker.service")).toContain("User=bunker");
  });

  test("keeps minio's EnvironmentFile, arguments and user; stops and disables minio.service", () => {
    const r = run(["--root", s.root, "--systemctl", s.systemctl, "--takeover-minio", s.bin]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const unit = s.read("etc/systemd/system/bunker.service").split("\n");
    for (const line of [
      "User=minio-user",
      "Group=minio-user",
      "EnvironmentFile=-/etc/default/minio",
      "EnvironmentFile=-/etc/default/bunker",
      "ExecStart=/usr/local/bin/bunker server $MINIO_OPTS $MINIO_VOLUMES",
    ]) {
      expect(unit).toContain(line);
    }
    expect(unit.some((l) => l.startsWith("ExecStartPre="))).toBe(false);
    expect(existsSync(join(s.root, "etc/default/bunker"))).toBe(false);
    expect(s.read("etc/passwd")).not.toContain("bunker:");
    expect(s.read("etc/systemd/system/minio.service")).toBe(MINIO_UNIT);
    expect(s.calls()).toEqual(["daemon-reload", "disable --now minio.service", "enable bunker.service", "restart bunker.service"]);
  });

  test.skipIf(!ANALYZE)("the taken-over unit passes systemd-analyze verify", () => {
    const res = verifyUnit(s.root);
    expect(res.out).toBe("");
    expect(res.code).toBe(0);
  });

  test("uninstall turns minio.service back on and leaves its files", () => {
    writeFileSync(s.systemctl.replace("systemctl", "systemctl.log"), "");
    const r = run(["--root", s.root, "--systemctl", s.systemctl, "--uninstall"]);
    expect(r.code).toBe(0);
    expect(s.calls()).toEqual(["disable --now bunker.service", "daemon-reload", "enable --now minio.service"]);
    expect(s.read("etc/systemd/system/minio.service")).toBe(MINIO_UNIT);
    expect(s.read("etc/default/minio")).toContain("MINIO_VOLUMES");
    expect(existsSync(join(s.root, "etc/systemd/system/bunker.service"))).toBe(false);
  });
});

describe("refusals", () => {
  test("a binary that does not run, an archive without bunker, and nothing to uninstall", () => {
    const s = scratch();
    const broken = join(s.dir, "broken");
    writeFileSync(broken, "#!/bin/sh\nexit 3\n");
    chmodSync(broken, 0o755);
    expect(run(["--root", s.root, broken]).err).toContain("does not run here");
    const wrong = join(s.dir, "other.tar.gz");
    writeFileSync(wrong, tarGz("minio", new Uint8Array(4)));
    expect(run(["--root", s.root, wrong]).err).toContain("holds no file named bunker");
    expect(run(["--root", s.root, "--uninstall"]).err).toContain("nothing to uninstall");
    expect(run(["--root", s.root, "--frobnicate"]).err).toContain("unknown option");
    expect(existsSync(join(s.root, "usr"))).toBe(false);
  });

  test("--no-systemctl lists the systemctl commands instead of running them", () => {
    const s = scratch();
    const r = run(["--root", s.root, "--no-systemctl", s.bin]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("run: systemctl enable bunker.service");
    expect(s.calls()).toEqual([]);
  });
});

test("a bunker binary that was there before is kept aside and put back by uninstall", () => {
  const s = scratch();
  mkdirSync(join(s.root, "usr/local/bin"), { recursive: true });
  writeFileSync(join(s.root, "usr/local/bin/bunker"), "#!/bin/sh\necho old\n");
  expect(run(["--root", s.root, "--no-systemctl", s.bin]).code).toBe(0);
  expect(s.read("usr/local/bin/bunker")).toBe(FAKE_BUNKER);
  expect(run(["--root", s.root, "--no-systemctl", "--uninstall"]).code).toBe(0);
  expect(s.read("usr/local/bin/bunker")).toBe("#!/bin/sh\necho old\n");
});
