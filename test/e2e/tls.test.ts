// TLS from the certs directory (public.crt + private.key, as MinIO reads them): the server
// answers https only, health and signed S3 requests work over it, the bytes round-trip, and
// the S3 layer knows the request came over TLS (SSE-C passes the secure-transport check).
import { afterAll, expect, test } from "bun:test";
import { TempDirs } from "../support/temp-dirs.ts";
import { selfSignedCert } from "../support/tls-cert.ts";
import { ROOT_PASSWORD, ROOT_USER, startServer } from "../support/server-process.ts";
import { BenchClient } from "../../scripts/bench/sigv4-client.ts";

const temp = new TempDirs();
afterAll(() => temp.cleanup());
const insecure = { tls: { rejectUnauthorized: false } } as RequestInit;

test("https with a self-signed certificate from --certs-dir", async () => {
  const certs = temp.make("bunker-certs-");
  selfSignedCert(certs);
  const server = await startServer(temp, { args: ["--certs-dir", certs], tls: true });
  expect(server.endpoint.startsWith("https://")).toBe(true);
  expect((await fetch(`${server.endpoint}/minio/health/live`, insecure)).status).toBe(200);
  // Plain http on the same port is not served.
  expect(
    await fetch(`http://127.0.0.1:${server.port}/minio/health/live`).then(
      (r) => r.status,
      () => 0,
    ),
  ).not.toBe(200);
  const s3 = new BenchClient(server.endpoint, ROOT_USER, ROOT_PASSWORD);
  const signedFetch = (m: string, p: string, body?: Uint8Array) => s3.request(m, p, { body, length: body?.length, fetchInit: insecure });
  expect((await signedFetch("PUT", "/secure")).status).toBe(200);
  const data = new Uint8Array(1_500_000).map((_, i) => (i * 13) & 0xff);
  expect((await signedFetch("PUT", "/secure/obj", data)).status).toBe(200);
  const got = new Uint8Array(await (await signedFetch("GET", "/secure/obj")).arrayBuffer());
  expect(Buffer.from(got).equals(Buffer.from(data))).toBe(true);
  // Over TLS an SSE-C request passes the secure-transport check (over plain http it would be
  // InvalidRequest): the listener tells the S3 layer it is https, and the object is encrypted.
  const key = Buffer.alloc(32, 9);
  const sseC = {
    "x-amz-server-side-encryption-customer-algorithm": "AES256",
    "x-amz-server-side-encryption-customer-key": key.toString("base64"),
    "x-amz-server-side-encryption-customer-key-md5": new Bun.CryptoHasher("md5").update(key).digest("base64"),
  };
  const body = new Uint8Array([1, 2, 3]);
  const stored = await s3.request("PUT", "/secure/encrypted", { body, length: body.length, headers: sseC, fetchInit: insecure });
  expect(stored.status).toBe(200);
  expect(stored.headers.get("x-amz-server-side-encryption-customer-algorithm")).toBe("AES256");
  const back = await s3.request("GET", "/secure/encrypted", { headers: sseC, fetchInit: insecure });
  expect(new Uint8Array(await back.arrayBuffer())).toEqual(body);
  expect((await signedFetch("GET", "/secure/encrypted")).status).toBe(400); // no key: InvalidRequest
  expect(await server.stop()).toBe(0);
}, 60_000);
