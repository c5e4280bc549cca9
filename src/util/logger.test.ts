// The Logger: lines printed as before (quiet silences info, never errors), kept in a bounded
// ring for replay, fanned out to listeners, secrets redacted everywhere.
import { describe, expect, test } from "bun:test";
import { Logger, type LogPrinter } from "./logger.ts";

function capture(): LogPrinter & { infos: string[]; errors: string[] } {
  const infos: string[] = [];
  const errors: string[] = [];
  return { infos, errors, info: (t) => infos.push(t), error: (t) => errors.push(t) };
}

describe("Logger", () => {
  test("prints info unless quiet, errors always; both are kept", () => {
    const p = capture();
    const quiet = new Logger({ quiet: true, printer: p });
    quiet.info("hello");
    quiet.error("broken", new Error("disk gone"));
    expect(p.infos).toEqual([]);
    expect(p.errors).toHaveLength(1);
    expect(p.errors[0]).toStartWith("broken ");
    expect(p.errors[0]).toContain("disk gone");
    const kept = quiet.recent(10);
    expect(kept.map((e) => [e.level, e.message])).toEqual([
      ["INFO", "hello"],
      ["ERROR", "broken"],
    ]);
    expect(kept[1].error?.message).toBe("disk gone");
    expect(kept[1].error?.source.length).toBeGreaterThan(0);
    expect(kept[1].error?.source[0]).toStartWith("at ");
  });

  test("the ring keeps the last `capacity` lines in order; recent(n) is the newest n", () => {
    const log = new Logger({ quiet: true, capacity: 3, printer: capture() });
    for (let i = 1; i <= 7; i++) log.info(`line ${i}`);
    expect(log.recent(10).map((e) => e.message)).toEqual(["line 5", "line 6", "line 7"]);
    expect(log.recent(2).map((e) => e.message)).toEqual(["line 6", "line 7"]);
    expect(log.recent(0)).toEqual([]);
  });

  test("listeners get every new line until they stop; a throwing listener harms nobody", () => {
    const log = new Logger({ quiet: true, printer: capture() });
    const seen: string[] = [];
    log.subscribe(() => {
      throw new Error("gone");
    });
    const stop = log.subscribe((e) => seen.push(e.message));
    log.info("a");
    stop();
    log.info("b");
    expect(seen).toEqual(["a"]);
    expect(log.recent(5).map((e) => e.message)).toEqual(["a", "b"]);
  });

  test("secrets are redacted in printed and kept lines, errors included; short values are not secrets", () => {
    const p = capture();
    const log = new Logger({ printer: p, secrets: ["super-secret-key", "short"] });
    log.info("root secret is super-secret-key, short stays");
    log.error("failed", new Error("bad key super-secret-key"));
    const all = JSON.stringify([p.infos, p.errors, log.recent(5)]);
    expect(all).not.toContain("super-secret-key");
    expect(all).toContain("*REDACTED*");
    expect(p.infos[0]).toBe("root secret is *REDACTED*, short stays");
  });

  test("line is the (line) => void callback the layers take", () => {
    const log = new Logger({ quiet: true, printer: capture() });
    const cb: (l: string) => void = log.line;
    cb("via callback");
    expect(log.recent(1)[0].message).toBe("via callback");
  });
});
