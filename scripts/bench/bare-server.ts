// The ceiling server for bench:s3: a bare Bun.serve in its own process that discards uploads,
// serves the same bytes from memory, and answers anything else with an empty 200.
const size = Number(process.argv[2] ?? 64 * 1024 * 1024);
const blob = new Uint8Array(size).map((_, i) => (i * 31 + 7) & 0xff);
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  maxRequestBodySize: 16 * 1024 ** 3,
  async fetch(req) {
    const url = new URL(req.url);
    if (req.method === "PUT") {
      for await (const _ of req.body as unknown as AsyncIterable<Uint8Array>);
      return new Response(null);
    }
    if (url.pathname.startsWith("/blob/")) {
      const n = Math.min(size, Number(url.pathname.slice(6)));
      return new Response(blob.subarray(0, n));
    }
    return new Response(null);
  },
});
console.log(`PORT ${server.port}`);
