// Test-only worker entry for ErasurePool crash tests: serves jobs like erasure-worker.ts but
// dies on encode jobs with a marker block size (7001: exits; 7002: throws an uncaught error).
import { serveJobs } from "../../src/ec/pool-protocol.ts";

declare const self: Worker;
const scope = self as unknown as Parameters<typeof serveJobs>[0] & { onmessage: (ev: MessageEvent) => void };
serveJobs(scope);
const serve = scope.onmessage;
scope.onmessage = (ev: MessageEvent) => {
  if (ev.data?.blockSize === 7001) process.exit(3);
  if (ev.data?.blockSize === 7002) {
    setTimeout(() => {
      throw new Error("injected worker failure");
    });
    return;
  }
  serve(ev);
};
