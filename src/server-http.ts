// The HTTP transport: node:http (node:https with TLS) in front of the fetch-style handler.
// Not Bun.serve: Bun 1.4 drops a handler's Content-Length when the body is a stream and sends
// it chunked (oven-sh/bun#10507), and S3 clients need the length (s3cmd fails every GET).
// Parse errors, pipelining and Expect: 100-continue need care here: docs/architecture-notes.md.
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { ConnectionTable, type Exchange } from "./server-connections.ts";
import { releaseIfDisposable } from "./util/index.ts";

export type FetchHandler = (req: Request, remoteAddress?: string) => Promise<Response>;

export interface HttpListenOptions {
  hostname: string;
  port: number;
  tls?: { cert: string; key: string };
  /** Socket idle limit: long uploads and downloads stream slowly through some clients. */
  idleTimeoutMs: number;
  fetch: FetchHandler;
  onError(err: unknown): void;
}

export interface HttpListener {
  readonly port: number;
  /** Stops accepting; graceful waits for in-flight requests, force closes every connection. */
  stop(force: boolean): Promise<void>;
}

/**
 * Pull-based, so the socket is read only as fast as the handler consumes the body. Fails once
 * `signal` aborts: a body cut by a parse error would otherwise wait for bytes that never come.
 */
function bodyStream(req: http.IncomingMessage, signal: AbortSignal, onFirstRead?: () => void): ReadableStream<Uint8Array> | null {
  const length = req.headers["content-length"];
  if (req.headers["transfer-encoding"] === undefined && (length === undefined || length === "0")) return null;
  const it = req[Symbol.asyncIterator]();
  // Not Promise.race with one long-lived abort promise: every race would stay attached to it,
  // holding its chunk, and a long upload would keep its whole body in memory.
  const next = () =>
    new Promise<IteratorResult<unknown>>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      it.next()
        .then(resolve, reject)
        .finally(() => signal.removeEventListener("abort", onAbort));
    });
  let first = onFirstRead;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        first?.();
        first = undefined;
        const got = await next();
        if (got.done) return controller.close();
        // A plain Uint8Array, not a Buffer: Buffer#slice is a view, and code that copies with
        // slice() before transferring to a worker would detach the socket's chunk instead.
        const chunk = got.value as Buffer;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      },
      // A handler that answers early (an error) discards the rest, so the connection stays usable.
      cancel() {
        req.resume();
      },
    },
    // With a first-read hook nothing is pulled before the handler asks (the default reads ahead one chunk).
    onFirstRead ? { highWaterMark: 0 } : undefined,
  );
}

/**
 * The URL standard rewrites some paths: "\\" becomes "/", "." and ".." segments (also spelled
 * %2e) are resolved, "#" starts a fragment that is dropped. The client named something else
 * than the rewritten URL would, so its bytes stay visible: "\\" and "#" are percent-encoded (the
 * handler then judges the name the client sent), and a dot segment, which survives the parser in
 * no spelling, gets a NUL appended: no bucket or key may hold one, so the request is refused
 * (400) instead of being served for another resource.
 */
export function preserveTarget(target: string): string {
  const q = target.indexOf("?");
  const path = (q < 0 ? target : target.slice(0, q)).replace(/[\\#]/g, (c) => (c === "#" ? "%23" : "%5C"));
  const kept = path
    .split("/")
    .map((seg) => (/^(\.|%2e){1,2}$/i.test(seg) ? `${seg}%00` : seg))
    .join("/");
  return q < 0 ? kept : kept + target.slice(q).replaceAll("#", "%23");
}

/** The Request a fetch handler expects; the URL as Bun.serve builds it: scheme://Host + the raw target. */
function toRequest(req: http.IncomingMessage, scheme: string, fallbackHost: string, signal: AbortSignal, onFirstRead?: () => void): Request {
  // A name sent on several lines becomes one value joined by "," without spaces: what SigV2 and
  // SigV4 sign for repeated headers (Headers.append would join with ", " and break both).
  const joined = new Map<string, [string, string]>();
  let host = fallbackHost;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const [name, value] = [req.rawHeaders[i], req.rawHeaders[i + 1]];
    const lower = name.toLowerCase();
    const seen = joined.get(lower);
    if (seen) seen[1] += `,${value}`;
    else joined.set(lower, [name, value]);
    if (lower === "host" && value !== "") host = value;
  }
  const headers = [...joined.values()];
  // A Host carrying "/", "?", "@"… would move the path the URL parser sees: refuse it.
  if (!/^[\w.:[\]-]+$/.test(host)) throw new Error(`Invalid Host header "${host}"`);
  const target = req.url ?? "/";
  const url = target.startsWith("/") ? `${scheme}://${host}${preserveTarget(target)}` : target;
  const method = req.method ?? "GET";
  const body = method === "GET" || method === "HEAD" ? null : bodyStream(req, signal, onFirstRead);
  // Request parses the URL: a malformed target or Host throws, and the caller answers 400.
  return new Request(url, { method, headers, body, signal, duplex: "half" } as RequestInit);
}

/**
 * Bodies without a declared length that end within this many bytes (XML documents, errors) are
 * sent with a Content-Length, as Bun.serve did for them; longer ones go chunked.
 */
const MEASURE_LIMIT = 1 << 20;

function headerList(response: Response, length?: number): string[] {
  const list: string[] = [];
  response.headers.forEach((value, name) => list.push(name, value));
  if (length !== undefined) list.push("content-length", String(length));
  return list;
}

async function write(res: http.ServerResponse, chunk: Uint8Array): Promise<void> {
  // Once flushed, a block the GET path alone owned is freed at once (see util/disposable.ts).
  if (!res.write(chunk, (err) => void (err ? undefined : releaseIfDisposable(chunk)))) await new Promise((ok) => res.once("drain", ok));
}

async function writeResponse(res: http.ServerResponse, response: Response): Promise<void> {
  if (!response.body) {
    // An empty answer says so (as S3 does) instead of going out as an empty chunked body.
    const bodiless = response.status === 204 || response.status === 304 || response.headers.has("content-length");
    return void res.writeHead(response.status, headerList(response, bodiless ? undefined : 0)).end();
  }
  const reader = response.body.getReader();
  // A client that goes away stops the producer (e.g. erasure decoding) instead of draining it.
  const onClose = () => void reader.cancel().catch(() => {});
  res.once("close", onClose);
  try {
    const head: Uint8Array[] = [];
    // A handler that declares its body chunked (internode RPC streams) wants each chunk sent as it comes.
    if (!response.headers.has("content-length") && response.headers.get("transfer-encoding") !== "chunked") {
      let total = 0;
      while (total <= MEASURE_LIMIT) {
        const { done, value } = await reader.read();
        if (done) return void res.writeHead(response.status, headerList(response, total)).end(Buffer.concat(head));
        head.push(value);
        total += value.length;
      }
    }
    res.writeHead(response.status, headerList(response));
    for (const chunk of head) await write(res, chunk);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await write(res, value);
    }
    res.end();
  } finally {
    res.off("close", onClose);
  }
}

export function listenHttp(opts: HttpListenOptions): Promise<HttpListener> {
  const scheme = opts.tls ? "https" : "http";
  const fallbackHost = `${opts.hostname.includes(":") ? `[${opts.hostname}]` : opts.hostname}:${opts.port}`;
  const inFlight = new Set<http.ServerResponse>();
  const connections = new ConnectionTable();
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, expectsContinue = false) => {
    inFlight.add(res);
    res.once("close", () => inFlight.delete(res));
    const aborted = new AbortController();
    const exchange: Exchange = { req, res, malformed: false, abort: (reason) => aborted.abort(reason) };
    const turn = connections.add(exchange);
    res.once("close", () => {
      if (!res.writableFinished) aborted.abort(new Error("client disconnected"));
    });
    let request: Request;
    let continued = false;
    try {
      // Expect: 100-continue: the interim answer goes out when the handler first reads the body,
      // so a request refused before that (signature, bucket, size) gets the refusal instead.
      const onFirstRead = expectsContinue ? () => void (res.headersSent || ((continued = true), res.writeContinue())) : undefined;
      request = toRequest(req, scheme, fallbackHost, aborted.signal, onFirstRead);
    } catch {
      res.writeHead(400, { "content-type": "text/plain", connection: "close" }).end("Bad Request");
      return;
    }
    try {
      await turn;
      if (exchange.malformed) return connections.answerMalformed(exchange);
      const response = await opts.fetch(request, req.socket.remoteAddress);
      if (exchange.malformed) return connections.answerMalformed(exchange);
      // Answered before the body was read (an early refusal): the rest is drained but the client
      // must not reuse the connection, or its next request waits behind that body for ever.
      // So is an Expect request answered without its 100 Continue, even one with an empty body:
      // botocore keeps that early final status and applies it to the connection's next
      // Expect request too (it reads that request's real status line as a header), so the
      // connection must not be reused.
      if (!req.complete || (expectsContinue && !continued)) response.headers.set("connection", "close");
      await writeResponse(res, response);
    } catch (err) {
      if (exchange.malformed) return connections.answerMalformed(exchange);
      opts.onError(err);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" }).end("Internal Server Error");
      else res.destroy();
    }
  };
  const server = opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, handle) : http.createServer(handle);
  // Without this listener node:http answers 100 Continue to every Expect before the handler runs.
  server.on("checkContinue", (req: http.IncomingMessage, res: http.ServerResponse) => void handle(req, res, true));
  server.on("clientError", (err: Error, socket) => connections.fail(err, socket as import("node:net").Socket));
  // Uploads of many GiB take longer than Node's default whole-request limit of 300 s.
  server.requestTimeout = 0;
  server.timeout = opts.idleTimeoutMs;
  // Clients pool connections: a short keep-alive makes them race the server's close and retry.
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.hostname, () => {
      server.off("error", reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        stop: (force) =>
          new Promise<void>((done) => {
            server.close(() => done());
            if (force) return server.closeAllConnections();
            server.closeIdleConnections();
            // Connections busy now turn idle (keep-alive) when their response ends: close them then,
            // or the graceful stop waits out the keep-alive timeout.
            server.on("request", (_req, res: http.ServerResponse) => res.once("finish", () => setImmediate(() => server.closeIdleConnections())));
            for (const res of inFlight) res.once("finish", () => setImmediate(() => server.closeIdleConnections()));
          }),
      });
    });
  });
}
