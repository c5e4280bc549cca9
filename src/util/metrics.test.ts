// Exposition format and registry behaviour: HELP/TYPE lines, label escaping and ordering,
// counters/gauges per label set, histogram buckets, and constant labels.
import { describe, expect, test } from "bun:test";
import { MetricsRegistry, formatValue, renderExposition } from "./metrics.ts";

describe("renderExposition", () => {
  test("writes HELP and TYPE once per family and one line per sample", () => {
    const text = renderExposition([
      {
        name: "a_total",
        help: "Things",
        type: "counter",
        samples: [
          { value: 1, labels: { x: "1" } },
          { value: 2, labels: { x: "2" } },
        ],
      },
    ]);
    expect(text).toBe('# HELP a_total Things\n# TYPE a_total counter\na_total{x="1"} 1\na_total{x="2"} 2\n');
  });

  test("escapes backslash, newline and quote in label values, and backslash and newline in help", () => {
    const text = renderExposition([{ name: "m", help: "a\\b\nc", type: "gauge", samples: [{ value: 0, labels: { p: 'C:\\d "x"\ny' } }] }]);
    expect(text).toContain("# HELP m a\\\\b\\nc\n");
    expect(text).toContain('m{p="C:\\\\d \\"x\\"\\ny"} 0');
  });

  test("sorts label names and adds constant labels to every sample", () => {
    const text = renderExposition([{ name: "m", help: "h", type: "gauge", samples: [{ value: 3, labels: { z: "1", a: "2" } }] }], { server: "n1:9000" });
    expect(text).toContain('m{a="2",server="n1:9000",z="1"} 3');
  });

  test("skips families without samples", () => {
    expect(renderExposition([{ name: "m", help: "h", type: "gauge", samples: [] }])).toBe("");
  });

  test("formats special values as Prometheus does", () => {
    expect([formatValue(Infinity), formatValue(-Infinity), formatValue(NaN), formatValue(0.25), formatValue(1e21)]).toEqual([
      "+Inf",
      "-Inf",
      "NaN",
      "0.25",
      "1e+21",
    ]);
  });
});

describe("MetricsRegistry", () => {
  test("counters and gauges keep one value per label set", () => {
    const r = new MetricsRegistry();
    const c = r.counter("req_total", "Requests", ["api"]);
    const g = r.gauge("inflight", "In flight", ["api"]);
    c.inc({ api: "get" });
    c.inc({ api: "get" }, 2);
    c.inc({ api: "put" });
    g.inc({ api: "get" });
    g.inc({ api: "get" });
    g.dec({ api: "get" });
    g.set({ api: "put" }, 7);
    expect(c.get({ api: "get" })).toBe(3);
    expect(g.get({ api: "get" })).toBe(1);
    const text = r.render();
    expect(text).toContain('req_total{api="get"} 3\nreq_total{api="put"} 1');
    expect(text).toContain('inflight{api="put"} 7');
  });

  test("a counter refuses to go down", () => {
    const c = new MetricsRegistry().counter("c_total", "c");
    expect(() => c.inc(undefined, -1)).toThrow(/cannot go down/);
  });

  test("names are validated and unique", () => {
    const r = new MetricsRegistry();
    expect(() => r.counter("bad-name", "x")).toThrow(/Invalid metric name/);
    expect(() => r.counter("ok", "x", ["bad label"])).toThrow(/Invalid label name/);
    r.gauge("dup", "x");
    expect(() => r.gauge("dup", "x")).toThrow(/already registered/);
  });

  test("histograms render cumulative buckets, +Inf, sum and count", () => {
    const r = new MetricsRegistry();
    const h = r.histogram("lat_seconds", "Latency", [0.1, 1], ["api"]);
    for (const v of [0.05, 0.5, 0.5, 3]) h.observe({ api: "get" }, v);
    const text = r.render();
    expect(text).toContain("# TYPE lat_seconds histogram");
    expect(text).toContain('lat_seconds_bucket{api="get",le="0.1"} 1');
    expect(text).toContain('lat_seconds_bucket{api="get",le="1"} 3');
    expect(text).toContain('lat_seconds_bucket{api="get",le="+Inf"} 4');
    expect(text).toContain('lat_seconds_sum{api="get"} 4.05');
    expect(text).toContain('lat_seconds_count{api="get"} 4');
  });

  test("collectors add families computed at scrape time", () => {
    const r = new MetricsRegistry();
    let n = 0;
    r.addCollector(() => [{ name: "scrapes", help: "s", type: "counter", samples: [{ value: ++n }] }]);
    expect(r.render()).toContain("scrapes 1");
    expect(r.render()).toContain("scrapes 2");
  });
});
