// RequestMetrics: MinIO's S3 request metric names, lowercased api labels, error classes,
// traffic totals and the TTFB distribution rendered as MinIO does (gauge, le to 3 decimals).
import { expect, test } from "bun:test";
import { renderExposition } from "./metrics.ts";
import { RequestMetrics } from "./metrics-requests.ts";

function render(m: RequestMetrics): string {
  return renderExposition(m.collect(), { server: "127.0.0.1:9000" });
}

test("counts requests, 4xx/5xx errors and cancels by lowercased API", () => {
  const m = new RequestMetrics();
  m.observeRequest("GetObject", 200, 0.01, 0, 100);
  m.observeRequest("GetObject", 404, 0.01, 0, 50);
  m.observeRequest("PutObject", 503, 0.2, 1000, 0);
  m.observeRequest("PutObject", 499, 0.2, 10, 0);
  const text = render(m);
  expect(text).toContain('minio_s3_requests_total{api="getobject",server="127.0.0.1:9000"} 2');
  expect(text).toContain('minio_s3_requests_total{api="putobject",server="127.0.0.1:9000"} 2');
  expect(text).toContain('minio_s3_requests_errors_total{api="getobject",server="127.0.0.1:9000"} 1');
  expect(text).toContain('minio_s3_requests_4xx_errors_total{api="getobject",server="127.0.0.1:9000"} 1');
  expect(text).toContain('minio_s3_requests_5xx_errors_total{api="putobject",server="127.0.0.1:9000"} 1');
  expect(text).toContain('minio_s3_requests_canceled_total{api="putobject",server="127.0.0.1:9000"} 1');
  expect(text).toContain('minio_s3_traffic_received_bytes{server="127.0.0.1:9000"} 1010');
  expect(text).toContain('minio_s3_traffic_sent_bytes{server="127.0.0.1:9000"} 150');
  expect(m.traffic()).toEqual({ received: 1010, sent: 150 });
});

test("renders the TTFB distribution as MinIO's cumulative gauge with le to three decimals", () => {
  const m = new RequestMetrics();
  m.observeRequest("ListBuckets", 200, 0.07, 0, 0);
  m.observeRequest("ListBuckets", 200, 3, 0, 0);
  const text = render(m);
  expect(text).toContain("# TYPE minio_s3_requests_ttfb_seconds_distribution gauge");
  expect(text).toContain('minio_s3_requests_ttfb_seconds_distribution{api="listbuckets",le="0.050",server="127.0.0.1:9000"} 0');
  expect(text).toContain('minio_s3_requests_ttfb_seconds_distribution{api="listbuckets",le="0.100",server="127.0.0.1:9000"} 1');
  expect(text).toContain('minio_s3_requests_ttfb_seconds_distribution{api="listbuckets",le="5.000",server="127.0.0.1:9000"} 2');
  expect(text).toContain('minio_s3_requests_ttfb_seconds_distribution{api="listbuckets",le="+Inf",server="127.0.0.1:9000"} 2');
});

test("tracks requests in flight and rejections, which are present from the start", () => {
  const m = new RequestMetrics();
  let text = render(m);
  for (const r of ["auth", "header", "timestamp", "invalid"]) expect(text).toContain(`minio_s3_requests_rejected_${r}_total{server="127.0.0.1:9000"} 0`);
  expect(text).toContain('minio_s3_traffic_sent_bytes{server="127.0.0.1:9000"} 0');
  m.requestStarted("PutObject");
  m.requestStarted("PutObject");
  m.requestFinished("PutObject");
  m.rejected("auth");
  text = render(m);
  expect(text).toContain('minio_s3_requests_inflight_total{api="putobject",server="127.0.0.1:9000"} 1');
  expect(text).toContain('minio_s3_requests_rejected_auth_total{server="127.0.0.1:9000"} 1');
});
