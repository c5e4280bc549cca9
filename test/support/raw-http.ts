// HTTP/1.1 over a raw TCP socket (Bun.connect), for requests fetch() will not send: bodies
// shorter than their Content-Length, connections dropped mid-upload, bytes that are not HTTP.

export interface RawReply {
  /** 0 when the server closed without answering. */
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawOptions {
  /** Body bytes to send after the headers (may be shorter than the declared length). */
  body?: Uint8Array;
  /** Close the connection right after sending, without waiting for an answer. */
  hangUp?: boolean;
  /** Half-close (FIN) after sending, then read the answer. */
  halfClose?: boolean;
  /** Send only the headers, then wait for the answer (for early refusals). */
  closeAfterHeaders?: boolean;
  /** Send these bytes instead of a request. */
  raw?: string;
}

function parseReply(text: string): RawReply {
  const end = text.indexOf("\r\n\r\n");
  if (!text.startsWith("HTTP/") || end < 0) return { status: 0, headers: {}, body: text };
  const [statusLine, ...lines] = text.slice(0, end).split("\r\n");
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(":");
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  return { status: Number(statusLine.split(" ")[1]), headers, body: text.slice(end + 4) };
}

/** Sends one request on a fresh connection; resolves with what came back (bounded by 30 s). */
export async function rawExchange(host: string, method: string, target: string, headers: Record<string, string>, opts: RawOptions = {}): Promise<RawReply> {
  const [hostname, port] = host.split(":");
  const head =
    opts.raw ??
    `${method} ${target} HTTP/1.1\r\n${Object.entries({ ...headers, host, connection: "close" })
      .map(([k, v]) => `${k}: ${v}`)
      .join("\r\n")}\r\n\r\n`;
  let received = "";
  const { promise, resolve } = Promise.withResolvers<RawReply>();
  const timer = setTimeout(() => resolve(parseReply(received)), 30_000);
  const socket = await Bun.connect({
    hostname,
    port: Number(port),
    socket: {
      data(_s, chunk) {
        received += Buffer.from(chunk).toString("latin1");
      },
      close() {
        clearTimeout(timer);
        resolve(parseReply(received));
      },
      error() {
        clearTimeout(timer);
        resolve(parseReply(received));
      },
    },
  });
  const payload = Buffer.concat([Buffer.from(head, "latin1"), Buffer.from(opts.body ?? new Uint8Array())]);
  let offset = 0;
  while (offset < payload.length) {
    const n = socket.write(payload.subarray(offset));
    offset += n;
    if (n === 0) await Bun.sleep(1);
  }
  if (opts.hangUp) {
    socket.end();
    socket.terminate();
    clearTimeout(timer);
    return { status: 0, headers: {}, body: "" };
  }
  if (opts.halfClose) socket.shutdown(true);
  return promise;
}

/** One raw connection driven step by step: write, wait for what the server sent so far, close. */
export interface RawConnection {
  write(data: string | Uint8Array): Promise<void>;
  /** Resolves with everything received once `until` holds or the server closed (bounded by 30 s). */
  read(until: (received: string) => boolean): Promise<string>;
  /** True once the server closed the connection. */
  readonly closed: boolean;
  end(): void;
}

export async function rawConnect(host: string): Promise<RawConnection> {
  const [hostname, port] = host.split(":");
  let received = "";
  let closed = false;
  let wake = () => {};
  const socket = await Bun.connect({
    hostname,
    port: Number(port),
    socket: {
      data(_s, chunk) {
        received += Buffer.from(chunk).toString("latin1");
        wake();
      },
      close() {
        closed = true;
        wake();
      },
      error() {
        closed = true;
        wake();
      },
    },
  });
  return {
    get closed() {
      return closed;
    },
    async write(data) {
      const payload = typeof data === "string" ? Buffer.from(data, "latin1") : Buffer.from(data);
      let offset = 0;
      while (offset < payload.length) {
        const n = socket.write(payload.subarray(offset));
        offset += n;
        if (n === 0) await Bun.sleep(1);
      }
    },
    async read(until) {
      const deadline = Date.now() + 30_000;
      while (!until(received) && !closed && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 100);
        });
      }
      return received;
    },
    end() {
      socket.end();
    },
  };
}
