// A loopback TCP proxy for fault tests: forwards bytes both ways between clients and a target
// port, and can cut every connection at once (a peer that dies or a link that breaks mid-call).
import net from "node:net";

export class TcpCutProxy {
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();
  /** Bytes forwarded from the target to clients (tests cut once a reply has started). */
  downstreamBytes = 0;
  /** Bytes forwarded from clients to the target. */
  upstreamBytes = 0;

  private constructor(
    server: net.Server,
    readonly port: number,
  ) {
    this.#server = server;
  }

  static async start(targetPort: number): Promise<TcpCutProxy> {
    const server = net.createServer();
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    const proxy = new TcpCutProxy(server, (server.address() as net.AddressInfo).port);
    server.on("connection", (client) => proxy.#pipe(client, targetPort));
    return proxy;
  }

  #pipe(client: net.Socket, targetPort: number): void {
    const target = net.connect(targetPort, "127.0.0.1");
    for (const s of [client, target]) {
      this.#sockets.add(s);
      s.on("close", () => this.#sockets.delete(s));
      s.on("error", () => {});
    }
    client.on("data", (d) => {
      this.upstreamBytes += d.length;
      if (!target.write(d)) client.pause();
    });
    target.on("data", (d) => {
      this.downstreamBytes += d.length;
      if (!client.write(d)) target.pause();
    });
    client.on("drain", () => target.resume());
    target.on("drain", () => client.resume());
    client.on("close", () => target.destroy());
    target.on("close", () => client.destroy());
  }

  /** Destroys every connection now (no FIN handshake of the protocol: a hard cut). */
  cut(): void {
    for (const s of this.#sockets) s.resetAndDestroy?.() ?? s.destroy();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((ok) => this.#server.close(() => ok()));
  }
}
