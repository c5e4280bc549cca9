// Per-request S3 metrics under MinIO's v2 names: requests, errors and cancels by API, bytes in
// and out, requests in flight, rejections, and the time-to-first-byte distribution. The S3 layer
// calls it once per request; admin/ renders it on the metrics endpoints.
import { Counter, Gauge, Histogram, formatValue, type MetricFamily } from "./metrics.ts";

/** MinIO's TTFB bucket bounds in seconds. */
const TTFB_BUCKETS: readonly number[] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Why a request was refused before reaching a handler (minio_s3_requests_rejected_<reason>_total). */
export type RejectReason = "auth" | "header" | "timestamp" | "invalid";

const REJECT_HELP: Record<RejectReason, string> = {
  auth: "S3 requests refused because authentication failed",
  header: "S3 requests refused for a request header (malformed, or asking for a feature not served)",
  timestamp: "S3 requests refused for a timestamp too far from ours",
  invalid: "S3 requests refused as invalid",
};

/** HTTP status that means the client went away before the answer (nginx's and MinIO's 499). */
const CLIENT_CLOSED_STATUS = 499;

/**
 * S3 request metrics. API names are lowercased into the `api` label as MinIO does
 * ("GetObject" → "getobject"), so dashboards written for MinIO keep working.
 */
export class RequestMetrics {
  readonly #total = new Counter("minio_s3_requests_total", "S3 requests answered, by API", ["api"]);
  readonly #errors = new Counter("minio_s3_requests_errors_total", "S3 requests answered with a 4xx or 5xx status, by API", ["api"]);
  readonly #errors4xx = new Counter("minio_s3_requests_4xx_errors_total", "S3 requests answered with a 4xx status, by API", ["api"]);
  readonly #errors5xx = new Counter("minio_s3_requests_5xx_errors_total", "S3 requests answered with a 5xx status, by API", ["api"]);
  readonly #canceled = new Counter("minio_s3_requests_canceled_total", "S3 requests the client gave up on before the answer, by API", ["api"]);
  readonly #inflight = new Gauge("minio_s3_requests_inflight_total", "S3 requests being served now (until their response is ready), by API", ["api"]);
  readonly #received = new Counter("minio_s3_traffic_received_bytes", "S3 request body bytes received");
  readonly #sent = new Counter("minio_s3_traffic_sent_bytes", "S3 response body bytes sent");
  readonly #ttfb = new Histogram(
    "minio_s3_requests_ttfb_seconds_distribution",
    "Requests by time to first byte (cumulative, le in seconds), by API",
    TTFB_BUCKETS,
    ["api"],
  );
  readonly #rejected = new Map<RejectReason, Counter>(
    (Object.keys(REJECT_HELP) as RejectReason[]).map((r) => [r, new Counter(`minio_s3_requests_rejected_${r}_total`, REJECT_HELP[r])]),
  );

  /**
   * One finished request: `api` is the S3 operation ("PutObject"), `status` the HTTP status sent,
   * `seconds` the time to first byte (until the response headers), `bytesIn`/`bytesOut` the body
   * bytes read and written. Status 499 counts as canceled rather than as an error.
   */
  observeRequest(api: string, status: number, seconds: number, bytesIn: number, bytesOut: number): void {
    const labels = { api: api.toLowerCase() };
    this.#total.inc(labels);
    if (status === CLIENT_CLOSED_STATUS) this.#canceled.inc(labels);
    else if (status >= 500) {
      this.#errors.inc(labels);
      this.#errors5xx.inc(labels);
    } else if (status >= 400) {
      this.#errors.inc(labels);
      this.#errors4xx.inc(labels);
    }
    this.#ttfb.observe(labels, Math.max(0, seconds));
    if (bytesIn > 0) this.#received.inc(undefined, bytesIn);
    if (bytesOut > 0) this.#sent.inc(undefined, bytesOut);
  }

  /** A request of `api` started; pair with requestFinished (for the in-flight gauge only). */
  requestStarted(api: string): void {
    this.#inflight.inc({ api: api.toLowerCase() });
  }

  requestFinished(api: string): void {
    this.#inflight.dec({ api: api.toLowerCase() });
  }

  /** A request refused before reaching an API handler (bad signature, bad header, clock skew…). */
  rejected(reason: RejectReason): void {
    this.#rejected.get(reason)!.inc();
  }

  /** Bytes so far, for tests and the admin info API. */
  traffic(): { received: number; sent: number } {
    return { received: this.#received.get(), sent: this.#sent.get() };
  }

  /** Families in MinIO's shapes (the TTFB distribution is a gauge with `le` to 3 decimals). */
  collect(): MetricFamily[] {
    const ttfb: MetricFamily = { name: this.#ttfb.name, help: this.#ttfb.help, type: "gauge", samples: [] };
    for (const s of this.#ttfb.snapshot()) {
      this.#ttfb.buckets.forEach((b, i) => ttfb.samples.push({ labels: { ...s.labels, le: b.toFixed(3) }, value: s.counts[i] }));
      ttfb.samples.push({ labels: { ...s.labels, le: formatValue(Infinity) }, value: s.count });
    }
    const always = (m: Counter): MetricFamily => {
      const f = m.collect();
      return f.samples.length ? f : { ...f, samples: [{ value: 0 }] };
    };
    return [
      ...[...this.#rejected.values()].map(always),
      this.#inflight.collect(),
      this.#total.collect(),
      this.#errors.collect(),
      this.#errors5xx.collect(),
      this.#errors4xx.collect(),
      this.#canceled.collect(),
      always(this.#sent),
      always(this.#received),
      ttfb,
    ];
  }
}
