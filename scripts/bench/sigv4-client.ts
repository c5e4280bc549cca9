// A minimal S3 client for load generation: SigV4 header signing with UNSIGNED-PAYLOAD over
// fetch(), using the server's own signing primitives, so the client costs little CPU.
import { canonicalRequestV4, scopeString, stringToSignV4 } from "../../src/s3/auth/sigv4.ts";
import { SigningKeyCache, hmacSha256Hex } from "../../src/s3/auth/signing-keys.ts";
import { formatAmzDate } from "../../src/s3/auth/canonical.ts";

export class BenchClient {
  readonly #keys = new SigningKeyCache(4);

  constructor(
    readonly endpoint: string,
    readonly accessKey: string,
    readonly secretKey: string,
    readonly region = "us-east-1",
  ) {}

  /** Sends a signed request; the body is not signed (UNSIGNED-PAYLOAD), as warp does for speed. */
  request(
    method: string,
    path: string,
    opts: { query?: string; body?: Uint8Array | ReadableStream<Uint8Array>; headers?: Record<string, string>; length?: number; fetchInit?: RequestInit } = {},
  ): Promise<Response> {
    const url = new URL(this.endpoint + path + (opts.query ? `?${opts.query}` : ""));
    const datetime = formatAmzDate(new Date());
    const date = datetime.slice(0, 8);
    const headers = new Headers(opts.headers);
    headers.set("host", url.host);
    headers.set("x-amz-date", datetime);
    headers.set("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
    if (opts.length !== undefined) headers.set("content-length", String(opts.length));
    const signed = ["host", "x-amz-content-sha256", "x-amz-date"];
    const scope = scopeString({ date, region: this.region, service: "s3" });
    const canonical = canonicalRequestV4({ method, url, headers, signedHeaders: signed, payloadHash: "UNSIGNED-PAYLOAD", presigned: false });
    const signature = hmacSha256Hex(this.#keys.get(this.secretKey, date, this.region, "s3"), stringToSignV4(datetime, scope, canonical));
    headers.set("authorization", `AWS4-HMAC-SHA256 Credential=${this.accessKey}/${scope}, SignedHeaders=${signed.join(";")}, Signature=${signature}`);
    return fetch(url, { ...opts.fetchInit, method, headers, body: opts.body, duplex: "half" } as RequestInit);
  }
}
