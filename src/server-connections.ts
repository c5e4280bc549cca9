// Per-connection bookkeeping for the node:http transport: the exchanges still open on each
// socket, and what happens when the socket's parser fails (a request that is not HTTP, a body
// whose framing is broken): every earlier request keeps its own answer, the broken one alone
// gets the 400, and the connection is closed, never reused.
import type http from "node:http";
import type { Socket } from "node:net";

/** One request on a connection, from its headers until its response is out. */
export interface Exchange {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  /** The parser failed inside this request (its body): its answer is the error status. */
  malformed: boolean;
  /** Stops the handler: the request's signal aborts and its body stream fails. */
  abort(reason: Error): void;
}

interface Connection {
  open: Set<Exchange>;
  /** Settles when the last exchange added so far has closed. */
  tail: Promise<void>;
  /** Status and reason once the parser has failed; nothing more is read from the socket. */
  failure?: [number, string];
  /** The failure was answered as a malformed exchange's own response. */
  answered: boolean;
}

/** Parser errors with their own status (as node:http's default handler maps them); the rest are 400. */
const STATUS_OF: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, "Request Header Fields Too Large"],
  ERR_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE: [431, "Request Header Fields Too Large"],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "Request Timeout"],
};

export class ConnectionTable {
  readonly #bySocket = new WeakMap<Socket, Connection>();

  #of(socket: Socket): Connection {
    let c = this.#bySocket.get(socket);
    if (!c) this.#bySocket.set(socket, (c = { open: new Set(), tail: Promise.resolve(), answered: false }));
    return c;
  }

  /**
   * Tracks `ex` until its response has gone out (or the exchange was torn down). Resolves when
   * every earlier exchange on the connection is done: node:http hands pipelined requests over
   * at once, and a GET must not run before the PUT ahead of it has stored its object (RFC 9112
   * lets a server run pipelined requests in parallel only when all are safe methods).
   */
  add(ex: Exchange): Promise<void> {
    const socket = ex.req.socket;
    const c = this.#of(socket);
    c.open.add(ex);
    const turn = c.tail;
    const { promise, resolve } = Promise.withResolvers<void>();
    c.tail = promise;
    ex.res.once("close", () => {
      c.open.delete(ex);
      resolve();
      this.#settle(c, socket);
    });
    return turn;
  }

  /**
   * The server's clientError: the parser stopped on this socket. Node's default (and Bun's)
   * writes the 400 at once, ahead of any response still being produced for an earlier request,
   * which the client then reads as that request's answer: a response desync. Instead, requests
   * cut by the error (body incomplete) are stopped and answer the error themselves; complete ones
   * finish normally; the error answer is written after them, and the connection closes.
   */
  fail(err: Error & { code?: string }, socket: Socket): void {
    if (err.code === "ECONNRESET" || !socket.writable) return void socket.destroy();
    const c = this.#of(socket);
    if (c.failure) return;
    c.failure = STATUS_OF[err.code ?? ""] ?? [400, "Bad Request"];
    for (const ex of c.open) {
      if (ex.req.complete) continue;
      ex.malformed = true;
      ex.abort(new Error(`Malformed request: ${err.code ?? err.message}`));
    }
    this.#settle(c, socket);
  }

  /** Answers a malformed exchange with the connection's error status (its handler's answer is dropped). */
  answerMalformed(ex: Exchange): void {
    const c = this.#of(ex.req.socket);
    const [status, reason] = c.failure ?? [400, "Bad Request"];
    if (ex.res.headersSent) return void ex.res.destroy();
    c.answered = true;
    ex.res.writeHead(status, { "content-type": "text/plain", "content-length": String(reason.length), connection: "close" }).end(reason);
  }

  #settle(c: Connection, socket: Socket): void {
    if (!c.failure || c.open.size > 0 || socket.destroyed) return;
    if (c.answered) return void socket.end();
    const [status, reason] = c.failure;
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\nConnection: close\r\n\r\n${reason}`);
  }
}
