// Process stats: runtime numbers always; /proc/self status, limits, fd count and io when a
// reader is given (parsed from Linux's formats), and nothing from /proc without one.
import { expect, test } from "bun:test";
import { readProcessStats, type ProcReader } from "./process-stats.ts";

const files: Record<string, string> = {
  "/proc/self/status": "Name:\tbunker\nVmPeak:\t  900000 kB\nVmSize:\t  800000 kB\nVmRSS:\t 100 kB\n",
  "/proc/self/limits":
    "Limit                     Soft Limit           Hard Limit           Units\nMax cpu time              unlimited            unlimited            seconds\nMax open files            1048576              1048576              files\n",
  "/proc/self/io": "rchar: 100\nwchar: 200\nsyscr: 3\nsyscw: 4\nread_bytes: 4096\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n",
};
const fake: ProcReader = { text: (p) => files[p], count: (d) => (d === "/proc/self/fd" ? 17 : undefined) };

test("parses /proc/self status, limits, fd count and io", () => {
  const s = readProcessStats(fake);
  expect(s.virtualBytes).toBe(800000 * 1024);
  expect(s.maxFds).toBe(1048576);
  expect(s.openFds).toBe(17);
  expect(s.io).toEqual({ rchar: 100, wchar: 200, readBytes: 4096, writeBytes: 8192, syscr: 3, syscw: 4 });
  expect(s.residentBytes).toBeGreaterThan(0);
  expect(s.startTimeSeconds).toBeLessThanOrEqual(Date.now() / 1000);
  expect(s.uptimeSeconds).toBeGreaterThan(0);
});

test("without a reader only the runtime's numbers are reported", () => {
  const s = readProcessStats(null);
  expect(s.openFds).toBeUndefined();
  expect(s.io).toBeUndefined();
  expect(s.cpuSeconds).toBeGreaterThan(0);
});
