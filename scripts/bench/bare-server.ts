// The ceiling servers for bench:s3, in their own process: a bare Bun.serve (what the design
// card names) or a bare node:http (what Bunker serves with, see src/server-http.ts), each
// discarding uploads, serving the same bytes from memory, and answering anything else empty.
import http from "node:http";
import type { AddressInfo } from "node:net";

const kind = process.argv[2] === "node" ? "node" : "bun";
const size = Number(process.argv[3] ?? 64 * 1024 * 1024);
const blob = new Uint8Array(size).map((_, i) => (i * 31 + 7) & 0xff);
const blobLength = (path: string) => Math.min(size, Number(path.slice(6)));

if (kind === "bun") {
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    maxRequestBodySize: 16 * 1024 ** 3,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      if (req.method === "PUT") {
        for await (const _ of req.body as unknown as AsyncIterable<Uint8Array>);
        return new Response(null);
      }
      if (path.startsWith("/blob/")) return new Response(blob.subarray(0, blobLength(path)));
      return new Response(null);
    },
  });
  console.log(`PORT ${server.port}`);
} else {
  const server = http.createServer((req, res) => {
    const path = req.url ?? "/";
    if (req.method === "PUT") {
      req.on("data", () => {});
      req.on("end", () => res.writeHead(200, { "content-length": "0" }).end());
      return;
    }
    if (path.startsWith("/blob/")) {
      const n = blobLength(path);
      res.writeHead(200, { "content-length": String(n) });
      // In 1 MiB writes, as the S3 GET path streams.
      let off = 0;
      const pump = () => {
        while (off < n) {
          const end = Math.min(n, off + (1 << 20));
          const ok = res.write(blob.subarray(off, end));
          off = end;
          if (!ok) return void res.once("drain", pump);
        }
        res.end();
      };
      return pump();
    }
    res.writeHead(200, { "content-length": "0" }).end();
  });
  server.requestTimeout = 0;
  server.listen(0, "127.0.0.1", () => console.log(`PORT ${(server.address() as AddressInfo).port}`));
}
