// The S3 request metrics the front door feeds: rejections by MinIO's reasons (auth, header,
// timestamp, invalid) rise for requests refused before their handler, and the in-flight gauge
// counts a request while it is being served — read from the real metrics endpoint.
import { expect, test } from "bun:test";
import { useS3Bucket } from "../support/use-s3-bucket.ts";

const B = "metered";

const { h } = useS3Bucket(null, {
  env: { MINIO_PROMETHEUS_AUTH_TYPE: "public" },
  setup: async () => {
    expect((await h.signed({ method: "PUT", path: `/${B}` })).status).toBe(200);
  },
});

async function metric(name: string): Promise<number> {
  const text = await (await h.bunker.fetch(new Request(`${h.endpoint}/minio/v2/metrics/node`))).text();
  // Summed over every label set (the in-flight gauge has one per API).
  const lines = text.split("\n").filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return lines.reduce((n, l) => n + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
}

test("requests refused at the front door count as rejected, by reason", async () => {
  const before = {
    auth: await metric("minio_s3_requests_rejected_auth_total"),
    timestamp: await metric("minio_s3_requests_rejected_timestamp_total"),
    invalid: await metric("minio_s3_requests_rejected_invalid_total"),
    header: await metric("minio_s3_requests_rejected_header_total"),
  };
  expect((await h.signed({ path: `/${B}`, secretAccessKey: "wrong-secret-key" })).status).toBe(403);
  expect((await h.anon(`/${B}/x`)).status).toBe(403);
  expect((await h.signed({ path: `/${B}`, signingDate: new Date(Date.now() - 3_600_000) })).status).toBe(403);
  expect((await h.signed({ path: `/${B}`, query: { events: "" } })).status).toBe(501);
  expect((await h.signed({ path: "/Bad_Bucket..Name" })).status).toBe(400);
  expect((await h.signed({ method: "PUT", path: `/${B}/k`, headers: { "x-amz-server-side-encryption": "bogus" }, body: "x" })).status).toBe(400);
  // An error the API itself gives (a missing key) is no rejection.
  expect((await h.signed({ path: `/${B}/missing` })).status).toBe(404);
  expect({
    auth: await metric("minio_s3_requests_rejected_auth_total"),
    timestamp: await metric("minio_s3_requests_rejected_timestamp_total"),
    invalid: await metric("minio_s3_requests_rejected_invalid_total"),
    header: await metric("minio_s3_requests_rejected_header_total"),
  }).toEqual({ auth: before.auth + 2, timestamp: before.timestamp + 1, invalid: before.invalid + 2, header: before.header + 1 });
});

test("a request is in flight from its start until its response is ready", async () => {
  let feed!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (feed = c) });
  const { url, headers } = await h.sign({ method: "PUT", path: `/${B}/slow`, payloadHash: "UNSIGNED-PAYLOAD", headers: { "content-length": "4" } });
  const pending = h.bunker.fetch(new Request(url, { method: "PUT", headers, body, duplex: "half" } as RequestInit));
  expect(await metric("minio_s3_requests_inflight_total")).toBe(1);
  feed.enqueue(new TextEncoder().encode("body"));
  feed.close();
  expect((await pending).status).toBe(200);
  expect(await metric("minio_s3_requests_inflight_total")).toBe(0);
});
