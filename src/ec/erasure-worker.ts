// Worker entry point of ErasurePool: one BlockCodec (own WASM kernel) per worker thread.
// Inside `bun build --compile` this file must be listed as an extra entry point
// (EC_WORKER_ENTRY in index.ts).
import { serveJobs } from "./pool-protocol.ts";

declare const self: Worker;
serveJobs(self as unknown as Parameters<typeof serveJobs>[0]);
