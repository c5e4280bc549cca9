// loadConfig: every flag, every variable and its precedence, help/version, and that every
// error is a one-line ConfigError. No real files, network or process.env: all injected.
import { describe, expect, test } from "bun:test";
import { ConfigError } from "./config-error.ts";
import type { Env } from "./config-flags.ts";
import { commandLine, loadConfig, type Config, type LoadConfigOptions, type ServerConfig } from "./config.ts";

const FILES: Record<string, string> = {
  "/run/secrets/minio_pw": "from-docker-secret\n",
  "/etc/minio/pw": "from-absolute-file\n",
  "/etc/minio/config.env": [
    "# written by the operator",
    'export MINIO_ROOT_USER="envfile-user"',
    "MINIO_ROOT_PASSWORD='envfile-password'",
    "",
    "MINIO_VOLUMES=/envfile/d{1...4}",
  ].join("\n"),
  "/etc/minio/bad.env": "MINIO_ROOT_USER=x\nno equals sign here\n",
};

const BASE: LoadConfigOptions = {
  cwd: "/srv",
  defaultsHome: "/home/u",
  version: "1.2.3",
  localAddresses: new Set(["localhost", "10.0.0.5", "node1"]),
  readFile: (p) => FILES[p],
  exists: () => false,
};

const load = (args: string[], env: Env = {}, opts: LoadConfigOptions = {}): Config => loadConfig(["bunker", ...args], env, { ...BASE, ...opts });

function server(args: string[], env: Env = {}, opts: LoadConfigOptions = {}): ServerConfig {
  const cfg = load(args, env, opts);
  if (cfg.command !== "server") throw new Error(`expected a server config, got ${cfg.command}`);
  return cfg;
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).not.toMatch(/[\r\n]/);
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("help and version", () => {
  test.each([[[]], [["--help"]], [["-h"]], [["help"]]])("%p prints the app help, exit 0", (args) => {
    const cfg = load(args as string[]);
    expect(cfg).toMatchObject({ command: "help", exitCode: 0 });
    if (cfg.command === "help") expect(cfg.text).toContain("bunker [FLAGS] COMMAND [ARGS...]");
  });

  test.each([[["--version"]], [["-v"]], [["version"]]])("%p prints the version", (args) => {
    const cfg = load(args as string[]);
    expect(cfg.command).toBe("version");
    if (cfg.command === "version") expect(cfg.text).toStartWith("bunker version 1.2.3 (Bunker, Bun ");
  });

  test("the program name follows argv[0], so the binary works as `minio`", () => {
    const cfg = loadConfig(["/usr/local/bin/minio", "server", "--help"], {}, BASE);
    expect(cfg).toMatchObject({ command: "help", programName: "minio", exitCode: 0 });
    if (cfg.command === "help") {
      expect(cfg.text).toContain("minio server [FLAGS] DIR{1...64}");
      for (const f of ["--address", "--console-address", "--certs-dir", "--quiet", "--anonymous", "--json"]) {
        expect(cfg.text).toContain(f);
      }
    }
    expect(server(["server", "/d"]).programName).toBe("bunker");
  });

  test("server without drives, or `server help`, prints the server help with exit 1", () => {
    expect(load(["server"])).toMatchObject({ command: "help", exitCode: 1 });
    expect(load(["server", "help"])).toMatchObject({ command: "help", exitCode: 1 });
    expect(load(["server", "-h", "/d"])).toMatchObject({ command: "help", exitCode: 0 });
  });

  test("results are frozen", () => {
    const cfg = server(["server", "/d"]);
    expect(Object.isFrozen(cfg)).toBe(true);
    expect(Object.isFrozen(cfg.warnings)).toBe(true);
    expect(Object.isFrozen(cfg.storageClass)).toBe(true);
    expect(Object.isFrozen(load([]))).toBe(true);
  });

  test("commandLine uses argv0 for compiled binaries and 'bunker' from source", () => {
    expect(commandLine({ argv: ["bun", "/$bunfs/root/bunker", "server", "/d"], argv0: "./minio" })).toEqual(["./minio", "server", "/d"]);
    expect(commandLine({ argv: ["bun", "B:\\~BUN\\root\\bunker.exe", "-v"], argv0: "minio.exe" })).toEqual(["minio.exe", "-v"]);
    expect(commandLine({ argv: ["/usr/bin/bun", "/w/src/server.ts", "server", "/d"], argv0: "bun" })).toEqual(["bunker", "server", "/d"]);
  });
});

describe("flags", () => {
  test("defaults", () => {
    const cfg = server(["server", "/d"]);
    expect(cfg.address).toEqual({ raw: ":9000", host: "", port: 9000 });
    expect(cfg.consoleAddress).toEqual({ raw: ":0", host: "", port: 0 });
    expect([cfg.json, cfg.quiet, cfg.anonymous, cfg.browser]).toEqual([false, false, false, true]);
    expect(cfg.volumes).toEqual(["/d"]);
    expect(cfg.volumesSource).toBe("command line");
    expect(cfg.layout.setupType).toBe("xl-single");
    expect(cfg.certsDir).toBe("/home/u/.minio/certs");
    expect(cfg.certsCaDir).toBe("/home/u/.minio/certs/CAs");
    expect(cfg.warnings).toEqual([]);
  });

  test("spellings: --flag v, --flag=v, -flag v; flags before or after the drives", () => {
    expect(server(["server", "--address", ":9100", "/d"]).address.port).toBe(9100);
    expect(server(["server", "--address=:9101", "/d"]).address.port).toBe(9101);
    expect(server(["server", "-address", ":9102", "/d"]).address.port).toBe(9102);
    expect(server(["server", "/d", "--address", ":9103"]).address.port).toBe(9103);
    const c = server(["server", "/d{1...4}", "--console-address", ":9001", "--quiet", "--json", "--anonymous"]);
    expect(c.consoleAddress?.port).toBe(9001);
    expect([c.quiet, c.json, c.anonymous]).toEqual([true, true, true]);
    expect(server(["server", "--quiet=false", "/d"]).quiet).toBe(false);
    expect(server(["server", "--", "-odd-dir"]).volumes).toEqual(["-odd-dir"]);
  });

  test("global flags before the command; server flags after it win", () => {
    expect(server(["--certs-dir", "/c", "server", "/d"]).certsDir).toBe("/c");
    expect(server(["-S", "certs", "server", "/d"]).certsDir).toBe("/srv/certs");
    expect(server(["--quiet", "server", "/d"]).quiet).toBe(true);
    expect(server(["--json", "server", "--json=false", "/d"]).json).toBe(false);
    expect(server(["server", "--config-dir", "/etc/minio", "/d"]).certsDir).toBe("/etc/minio/certs");
    expect(server(["server", "-C", "/x", "--certs-dir", "/y", "/d"]).certsDir).toBe("/y");
  });

  test("~/.bunker/certs is used when it exists", () => {
    expect(server(["server", "/d"], {}, { exists: (p) => p === "/home/u/.bunker/certs" }).certsDir).toBe("/home/u/.bunker/certs");
    expect(server(["server", "/d"], { HOME: "/root" }, { defaultsHome: undefined }).certsDir).toBe("/root/.minio/certs");
  });

  test("harmless MinIO tuning flags are accepted with a warning", () => {
    const c = server(["server", "--idle-timeout", "30s", "--listeners=2", "--log-compress", "--compat", "/d"]);
    expect(c.warnings).toContain("Flag --idle-timeout is accepted for MinIO compatibility but has no effect");
    expect(c.warnings.length).toBe(4);
  });

  test.each([
    [["server", "--foo", "/d"], 'Unknown flag "--foo" in command line; run "bunker server --help"'],
    [["--address", ":9000", "server", "/d"], 'Unknown flag "--address" in command line; run "bunker --help"'],
    [["server", "/d", "--address"], 'Flag "--address" in command line needs a value'],
    [["server", "--quiet=maybe", "/d"], 'Invalid value "maybe" for flag "--quiet" in command line: expected true or false'],
    [["server", "--idle-timeout", "30", "/d"], 'expected a duration such as "30s"'],
    [["server", "--listeners", "two", "/d"], "expected a whole number"],
    [["server", "--ftp", "address=:8021", "/d"], 'Flag "--ftp" is not supported: Bunker has no FTP server'],
    [["server", "--sftp=address=:8022", "/d"], "Bunker has no SFTP server"],
    [["server", "--config", "minio.yaml"], "YAML server configuration files are not supported yet"],
    [["serve", "/d"], '"serve" is not a bunker command; run "bunker --help"'],
  ])("%p fails", (args, message) => {
    expect(errorOf(() => load(args as string[])).message).toContain(message);
  });
});

describe("addresses", () => {
  test.each([
    ["0.0.0.0:9000", "0.0.0.0", 9000],
    ["[::]:9000", "::", 9000],
    ["[::1]:9000", "::1", 9000],
    ["127.0.0.1:9100", "127.0.0.1", 9100],
    ["10.0.0.5:9000", "10.0.0.5", 9000],
    ["localhost:9000", "localhost", 9000],
    ["s3.example.com:9000", "s3.example.com", 9000],
    [":0", "", 0],
  ])("--address %p", (raw, host, port) => {
    expect(server(["server", "--address", raw, "/d"]).address).toEqual({ raw, host, port });
  });

  test.each([
    ["9000", "missing port"],
    ["127.0.0.1", "missing port"],
    [":99999", "the port must be a number from 0 to 65535"],
    [":http", "the port must be a number"],
    ["::1:9000", "too many colons"],
    ["10.9.9.9:9000", "10.9.9.9 is not an address of this machine"],
    ["bad host!:9000", "is not a valid host name"],
  ])("--address %p fails", (raw, message) => {
    const err = errorOf(() => load(["server", "--address", raw, "/d"]));
    expect(err.kind).toBe("InvalidAddress");
    expect(err.message).toBe(`Invalid --address "${raw}": ${err.message.split(": ").slice(1).join(": ")}`);
    expect(err.message).toContain(message);
  });

  test("variables: BUNKER_ADDRESS, then MINIO_ADDRESS; the flag wins", () => {
    expect(server(["server", "/d"], { MINIO_ADDRESS: ":9200" }).address.port).toBe(9200);
    expect(server(["server", "/d"], { MINIO_ADDRESS: ":9200", BUNKER_ADDRESS: ":9300" }).address.port).toBe(9300);
    expect(server(["server", "--address", ":9400", "/d"], { BUNKER_ADDRESS: ":9300" }).address.port).toBe(9400);
    expect(server(["server", "/d"], { MINIO_CONSOLE_ADDRESS: ":9091" }).consoleAddress?.port).toBe(9091);
  });

  test("console rules: off with the browser, not the API address or port", () => {
    expect(server(["server", "/d"], { MINIO_BROWSER: "off" })).toMatchObject({ browser: false, consoleAddress: null });
    expect(errorOf(() => load(["server", "--console-address", ":9000", "/d"])).message).toBe('--console-address ":9000" cannot be the same as --address');
    expect(errorOf(() => load(["server", "--console-address", "127.0.0.1:9000", "/d"])).message).toBe(
      "--console-address port 9000 cannot be the same as the --address port",
    );
    expect(errorOf(() => load(["server", "/d"], { MINIO_BROWSER: "maybe" })).message).toBe('Invalid MINIO_BROWSER "maybe": use on or off');
  });

  test("port 0 (a free port) cannot serve drives of several servers", () => {
    expect(errorOf(() => load(["server", "--address", ":0", "http://node{1...4}/d{1...4}"])).message).toBe(
      'Invalid --address ":0": port 0 is not allowed with drives on several servers',
    );
    expect(server(["server", "--address", ":0", "/d{1...4}"]).address.port).toBe(0);
  });

  test("the --address port decides which URL drives are local", () => {
    const c = server(["server", "--address", ":9001", "http://localhost:9001/d{1...4}"]);
    expect(c.layout.pools[0].endpoints.every((e) => e.isLocal)).toBe(true);
    const d = server(["server", "http://localhost:9001/d{1...4}"]);
    expect(d.layout.pools[0].endpoints.some((e) => e.isLocal)).toBe(false);
  });
});

describe("drives", () => {
  test("MINIO_VOLUMES (space or newline separated) replaces the arguments, with a warning", () => {
    const c = server(["server", "/cli"], { MINIO_VOLUMES: "/v1{1...4}\n/v2{1...4}" });
    expect(c.volumes).toEqual(["/v1{1...4}", "/v2{1...4}"]);
    expect(c.volumesSource).toBe("MINIO_VOLUMES");
    expect(c.layout.pools.length).toBe(2);
    expect(c.warnings).toContain('Drive arguments "/cli" ignored: MINIO_VOLUMES is set');
    expect(server(["server"], { MINIO_VOLUMES: "/a /b" }).layout.pools[0].setDriveCount).toBe(2);
  });

  test("precedence: *_ARGS, *_VOLUMES, *_ENDPOINTS; BUNKER_ before MINIO_", () => {
    const all = { MINIO_ENDPOINTS: "/e", MINIO_VOLUMES: "/v", BUNKER_VOLUMES: "/bv", MINIO_ARGS: "/a" };
    expect(server(["server"], all).volumesSource).toBe("MINIO_ARGS");
    expect(server(["server"], { ...all, MINIO_ARGS: "" }).volumesSource).toBe("BUNKER_VOLUMES");
    expect(server(["server"], { MINIO_ENDPOINTS: "/e", MINIO_VOLUMES: "  " }).volumesSource).toBe("MINIO_ENDPOINTS");
  });

  test("erasure set drive count", () => {
    expect(server(["server", "/d{1...16}"], { MINIO_ERASURE_SET_DRIVE_COUNT: "8" }).layout.pools[0].setCount).toBe(2);
    expect(server(["server", "/d{1...16}"], { BUNKER_ERASURE_SET_DRIVE_COUNT: "4" }).setDriveCount).toBe(4);
    expect(errorOf(() => load(["server", "/d{1...16}"], { MINIO_ERASURE_SET_DRIVE_COUNT: "x" })).message).toBe(
      'Invalid MINIO_ERASURE_SET_DRIVE_COUNT "x": expected a whole number of drives',
    );
    expect(errorOf(() => load(["server", "/d{1...16}"], { MINIO_ERASURE_SET_DRIVE_COUNT: "5" })).kind).toBe("InvalidSetDriveCount");
  });

  test("layout errors surface as ConfigError", () => {
    expect(errorOf(() => load(["server", "/d{1...17}"])).message).toContain('Invalid drive count 17 for "/d{1...17}"');
    expect(errorOf(() => load(["server", "/d{1...4}", "/x"])).kind).toBe("InvalidEndpoints");
  });
});

describe("MINIO_OPTS", () => {
  test("adds flags; the command line wins; flags beat *_ADDRESS variables", () => {
    expect(server(["server", "/d"], { MINIO_OPTS: "--console-address :9001" }).consoleAddress?.port).toBe(9001);
    expect(server(["server", "--address", ":9200", "/d"], { MINIO_OPTS: "--address :9100" }).address.port).toBe(9200);
    expect(server(["server", "/d"], { MINIO_OPTS: "--address :9100", MINIO_ADDRESS: ":9300" }).address.port).toBe(9100);
    expect(server(["server", "/d"], { MINIO_OPTS: "--quiet", BUNKER_OPTS: "--json" })).toMatchObject({ quiet: true, json: true });
  });

  test("non-flag words are ignored with a warning; unknown flags fail naming the variable", () => {
    expect(server(["server", "/d"], { MINIO_OPTS: "/stray --quiet" }).warnings).toContain("Ignored non-flag words in MINIO_OPTS: /stray");
    expect(errorOf(() => load(["server", "/d"], { MINIO_OPTS: "--bogus" })).message).toContain('Unknown flag "--bogus" in MINIO_OPTS');
  });
});

describe("credentials", () => {
  test("default minioadmin", () => {
    expect(server(["server", "/d"])).toMatchObject({
      rootUser: "minioadmin",
      rootPassword: "minioadmin",
      credentialsSource: "default",
      usingDefaultCredentials: true,
    });
  });

  test.each([
    [{ MINIO_ROOT_USER: "admin", MINIO_ROOT_PASSWORD: "password1" }, "admin", "MINIO_ROOT_USER"],
    [
      { BUNKER_ROOT_USER: "bunker", BUNKER_ROOT_PASSWORD: "password2", MINIO_ROOT_USER: "admin", MINIO_ROOT_PASSWORD: "password1" },
      "bunker",
      "BUNKER_ROOT_USER",
    ],
    [{ MINIO_ACCESS_KEY: "legacy", MINIO_SECRET_KEY: "password3" }, "legacy", "MINIO_ACCESS_KEY"],
    [{ MINIO_ROOT_USER: "admin", MINIO_ROOT_PASSWORD: "password1", MINIO_ACCESS_KEY: "legacy", MINIO_SECRET_KEY: "password3" }, "admin", "MINIO_ROOT_USER"],
    [{ RUSTFS_ACCESS_KEY: "rustfs", RUSTFS_SECRET_KEY: "password4" }, "rustfs", "RUSTFS_ACCESS_KEY"],
    [{ MINIO_ROOT_USER: "üa", MINIO_ROOT_PASSWORD: "ääää" }, "üa", "MINIO_ROOT_USER"], // lengths count bytes
  ])("%p", (env, user, source) => {
    expect(server(["server", "/d"], env)).toMatchObject({ rootUser: user, credentialsSource: source, usingDefaultCredentials: false });
  });

  test("legacy keys warn", () => {
    const c = server(["server", "/d"], { MINIO_ACCESS_KEY: "legacy", MINIO_SECRET_KEY: "password3" });
    expect(c.warnings).toContain("MINIO_ACCESS_KEY and MINIO_SECRET_KEY are deprecated; use MINIO_ROOT_USER and MINIO_ROOT_PASSWORD");
  });

  test("*_FILE secrets (Docker): /run/secrets/NAME, an absolute path, or fall back to the variable", () => {
    const env = { MINIO_ROOT_USER: "admin", MINIO_ROOT_PASSWORD_FILE: "minio_pw", MINIO_ROOT_PASSWORD: "ignored!" };
    expect(server(["server", "/d"], env).rootPassword).toBe("from-docker-secret");
    expect(server(["server", "/d"], { ...env, MINIO_ROOT_PASSWORD_FILE: "/etc/minio/pw" }).rootPassword).toBe("from-absolute-file");
    expect(server(["server", "/d"], { ...env, MINIO_ROOT_PASSWORD_FILE: "missing" }).rootPassword).toBe("ignored!");
  });

  test.each([
    [{ MINIO_ROOT_USER: "admin" }, "MINIO_ROOT_USER is set but MINIO_ROOT_PASSWORD is not; set both or neither"],
    [{ MINIO_ROOT_PASSWORD: "password1" }, "MINIO_ROOT_PASSWORD is set but MINIO_ROOT_USER is not; set both or neither"],
    [{ BUNKER_ROOT_USER: "admin", MINIO_ROOT_PASSWORD: "password1" }, "BUNKER_ROOT_USER is set but BUNKER_ROOT_PASSWORD is not"],
    [{ MINIO_ROOT_USER: "ab", MINIO_ROOT_PASSWORD: "password1" }, "Invalid MINIO_ROOT_USER: the access key must be at least 3 characters long"],
    [{ MINIO_ROOT_USER: "admin", MINIO_ROOT_PASSWORD: "1234567" }, "Invalid MINIO_ROOT_PASSWORD: the secret key must be at least 8 characters long"],
    [{ MINIO_SECRET_KEY: "password1" }, "MINIO_SECRET_KEY is set but MINIO_ACCESS_KEY is not"],
  ])("%p fails", (env, message) => {
    const err = errorOf(() => load(["server", "/d"], env));
    expect(err.kind).toBe("InvalidCredentials");
    expect(err.message).toContain(message);
  });
});

describe("environment file", () => {
  test("MINIO_CONFIG_ENV_FILE sets variables, including the drives", () => {
    const c = server(["server"], { MINIO_CONFIG_ENV_FILE: "/etc/minio/config.env", MINIO_ROOT_USER: "overridden" });
    expect(c).toMatchObject({ rootUser: "envfile-user", rootPassword: "envfile-password", volumesSource: "MINIO_VOLUMES" });
    expect(c.volumes).toEqual(["/envfile/d{1...4}"]);
    expect(server(["server", "/d"], { MINIO_CONFIG_ENV_FILE: "/missing.env" }).usingDefaultCredentials).toBe(true);
  });

  test("a malformed line names the file and line", () => {
    expect(errorOf(() => load(["server", "/d"], { MINIO_CONFIG_ENV_FILE: "/etc/minio/bad.env" })).message).toBe(
      'Invalid line 2 of MINIO_CONFIG_ENV_FILE "/etc/minio/bad.env": expected KEY=value',
    );
  });
});

describe("region, site, domains, metrics", () => {
  test("region precedence and default", () => {
    expect(server(["server", "/d"])).toMatchObject({ region: "us-east-1", regionConfigured: false, siteName: "" });
    expect(server(["server", "/d"], { MINIO_SITE_REGION: "eu-west-1" })).toMatchObject({ region: "eu-west-1", regionConfigured: true });
    expect(server(["server", "/d"], { MINIO_REGION: "r1", MINIO_SITE_REGION: "r2" }).region).toBe("r1");
    expect(server(["server", "/d"], { BUNKER_REGION: "b1", MINIO_REGION: "r1" }).region).toBe("b1");
    expect(server(["server", "/d"], { BUNKER_SITE_REGION: "b2", MINIO_SITE_REGION: "r2" }).region).toBe("b2");
    expect(server(["server", "/d"], { MINIO_SITE_NAME: "rack-1" }).siteName).toBe("rack-1");
  });

  test("MINIO_REGION_NAME is ignored as MinIO does, with a warning", () => {
    const c = server(["server", "/d"], { MINIO_REGION_NAME: "old" });
    expect(c.region).toBe("us-east-1");
    expect(c.warnings[0]).toContain("MINIO_REGION_NAME is ignored");
  });

  test("domains: comma separated, sorted", () => {
    expect(server(["server", "/d"], { MINIO_DOMAIN: "s3.example.org,s3.example.com" }).domains).toEqual(["s3.example.com", "s3.example.org"]);
    expect(server(["server", "/d"], { BUNKER_DOMAIN: "b.test", MINIO_DOMAIN: "m.test" }).domains).toEqual(["b.test"]);
  });

  test("metrics auth", () => {
    expect(server(["server", "/d"]).prometheusAuthType).toBe("jwt");
    expect(server(["server", "/d"], { MINIO_PROMETHEUS_AUTH_TYPE: "public" }).prometheusAuthType).toBe("public");
    const odd = server(["server", "/d"], { MINIO_PROMETHEUS_AUTH_TYPE: "none" });
    expect(odd.prometheusAuthType).toBe("jwt");
    expect(odd.warnings).toContain('MINIO_PROMETHEUS_AUTH_TYPE "none" is neither jwt nor public; using jwt');
  });

  test.each([
    [{ MINIO_REGION: "us east" }, 'Invalid MINIO_REGION "us east": use letters, digits and dashes'],
    [{ MINIO_SITE_NAME: "Rack1" }, 'Invalid MINIO_SITE_NAME "Rack1"'],
    [{ MINIO_DOMAIN: "example.com,s3.example.com" }, 'overlapping domains; "example.com" ends another one'],
    [{ MINIO_DOMAIN: "a..b" }, '"a..b" is not a domain name'],
    [{ MINIO_DOMAIN: "a.com," }, '"" is not a domain name'],
  ])("%p fails", (env, message) => {
    expect(errorOf(() => load(["server", "/d"], env)).message).toContain(message);
  });
});

describe("storage classes", () => {
  test("defaults per pool", () => {
    const c = server(["server", "/a{1...16}", "/b{1...4}"]);
    expect(c.storageClass).toEqual({
      standard: undefined,
      rrs: undefined,
      optimize: "availability",
      inlineBlock: 131072,
      parity: [
        { standard: 4, rrs: 1 },
        { standard: 2, rrs: 1 },
      ],
    });
    expect(server(["server", "/d"]).storageClass.parity).toEqual([{ standard: 0, rrs: 0 }]);
  });

  test("configured values", () => {
    const c = server(["server", "/d{1...8}"], {
      MINIO_STORAGE_CLASS_STANDARD: "EC:3",
      BUNKER_STORAGE_CLASS_RRS: "EC:2",
      MINIO_STORAGE_CLASS_RRS: "EC:1",
      MINIO_STORAGE_CLASS_OPTIMIZE: "capacity",
      MINIO_STORAGE_CLASS_INLINE_BLOCK: "64KiB",
    });
    expect(c.storageClass).toMatchObject({ standard: "EC:3", rrs: "EC:2", optimize: "capacity", inlineBlock: 65536, parity: [{ standard: 3, rrs: 2 }] });
    expect(server(["server", "/d{1...4}"], { MINIO_STORAGE_CLASS_OPTIMIZE: "speed" }).warnings[0]).toContain("using availability");
  });

  test.each([
    [["/d{1...4}"], { MINIO_STORAGE_CLASS_STANDARD: "EC:3" }, "parity must be at most 2"],
    [["/a{1...16}", "/b{1...4}"], { MINIO_STORAGE_CLASS_STANDARD: "EC:4" }, "erasure sets of 4 drives"],
    [["/d{1...8}"], { MINIO_STORAGE_CLASS_STANDARD: "EC:2", MINIO_STORAGE_CLASS_RRS: "EC:3" }, "REDUCED_REDUNDANCY parity 3 is higher than STANDARD parity 2"],
    [["/d{1...8}"], { MINIO_STORAGE_CLASS_STANDARD: "RS:2" }, 'Invalid STANDARD storage class "RS:2"'],
    [["/d{1...8}"], { MINIO_STORAGE_CLASS_INLINE_BLOCK: "lots" }, 'Invalid MINIO_STORAGE_CLASS_INLINE_BLOCK "lots"'],
  ])("%p %p fails", (drives, env, message) => {
    const err = errorOf(() => load(["server", ...drives], env));
    expect(err.kind).toBe("InvalidStorageClass");
    expect(err.message).toContain(message);
  });
});

test("heal scanner pace: a default rate, BUNKER_SCANNER_* overrides, MINIO_HEAL_BITROTSCAN=on means a deep check every cycle", () => {
  expect(server(["server", "/data"]).scanner).toEqual({ objectsPerSecond: 100, deepEvery: 0 });
  expect(server(["server", "/data"], { BUNKER_SCANNER_OBJECTS_PER_SECOND: "0", BUNKER_SCANNER_DEEP_EVERY: "5" }).scanner).toEqual({
    objectsPerSecond: 0,
    deepEvery: 5,
  });
  expect(server(["server", "/data"], { MINIO_HEAL_BITROTSCAN: "on" }).scanner.deepEvery).toBe(1);
  expect(errorOf(() => server(["server", "/data"], { BUNKER_SCANNER_OBJECTS_PER_SECOND: "fast" })).message).toContain("BUNKER_SCANNER_OBJECTS_PER_SECOND");
  expect(errorOf(() => server(["server", "/data"], { MINIO_HEAL_BITROTSCAN: "maybe" })).message).toContain("MINIO_HEAL_BITROTSCAN");
});
