// A small Prometheus registry: labelled counters, gauges and fixed-bucket histograms, and the
// text exposition format 0.0.4 they (and scrape-time collectors) are rendered in. No global
// state: whoever owns the process (server.ts) creates the registry and passes it down.

/** Label name → value. Order does not matter; rendering sorts names. */
export type Labels = Readonly<Record<string, string>>;

export type MetricType = "counter" | "gauge" | "histogram" | "untyped";

/** One line of a family: `name{labels} value`; `suffix` appends to the family name (`_bucket`). */
export interface Sample {
  labels?: Labels;
  value: number;
  suffix?: string;
}

/** Every sample of one metric name, with its HELP and TYPE lines. */
export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: Sample[];
}

/** The Content-Type Prometheus expects for the text format. */
export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function checkName(name: string, labelNames: readonly string[]): void {
  if (!NAME_RE.test(name)) throw new Error(`Invalid metric name "${name}"`);
  for (const l of labelNames) {
    if (!LABEL_RE.test(l) || l.startsWith("__")) throw new Error(`Invalid label name "${l}" for metric "${name}"`);
  }
}

const escapeHelp = (s: string) => s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
const escapeLabel = (s: string) => s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');

/** Go's strconv.FormatFloat(v, 'g', -1, 64) spelling as Prometheus clients write it. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

function labelText(labels: Labels | undefined, constLabels: Labels | undefined): string {
  const all: Record<string, string> = { ...labels, ...constLabels };
  const names = Object.keys(all).sort();
  if (names.length === 0) return "";
  return `{${names.map((n) => `${n}="${escapeLabel(all[n])}"`).join(",")}}`;
}

/**
 * Renders families in the text format. `constLabels` (e.g. MinIO's `server`) are added to every
 * sample. Families with no samples are skipped, as Prometheus clients do.
 */
export function renderExposition(families: Iterable<MetricFamily>, constLabels?: Labels): string {
  const out: string[] = [];
  for (const f of families) {
    if (f.samples.length === 0) continue;
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) out.push(`${f.name}${s.suffix ?? ""}${labelText(s.labels, constLabels)} ${formatValue(s.value)}`);
  }
  return out.length ? out.join("\n") + "\n" : "";
}

/** A stable key for a label set, independent of property order. */
function keyOf(labelNames: readonly string[], labels: Labels | undefined): string {
  return labelNames.map((n) => labels?.[n] ?? "").join("\u0000");
}

function pick(labelNames: readonly string[], labels: Labels | undefined): Labels {
  const out: Record<string, string> = {};
  for (const n of labelNames) out[n] = labels?.[n] ?? "";
  return out;
}

/** Shared storage of counters and gauges: one number per label set. */
abstract class ScalarMetric {
  protected readonly values = new Map<string, { labels: Labels; value: number }>();
  abstract readonly type: "counter" | "gauge";

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[] = [],
  ) {
    checkName(name, labelNames);
  }

  protected add(labels: Labels | undefined, delta: number): void {
    const key = keyOf(this.labelNames, labels);
    const cur = this.values.get(key);
    if (cur) cur.value += delta;
    else this.values.set(key, { labels: pick(this.labelNames, labels), value: delta });
  }

  /** Current value for a label set (0 when never touched). */
  get(labels?: Labels): number {
    return this.values.get(keyOf(this.labelNames, labels))?.value ?? 0;
  }

  collect(): MetricFamily {
    const samples = [...this.values.values()].map((v) => ({ labels: v.labels, value: v.value }));
    return { name: this.name, help: this.help, type: this.type, samples };
  }
}

/** Only goes up; resets when the process restarts. */
export class Counter extends ScalarMetric {
  readonly type = "counter";

  inc(labels?: Labels, by = 1): void {
    if (!(by >= 0)) throw new Error(`Counter "${this.name}" cannot go down (inc by ${by})`);
    this.add(labels, by);
  }
}

/** Goes up and down, or is set outright. */
export class Gauge extends ScalarMetric {
  readonly type = "gauge";

  set(labels: Labels | undefined, value: number): void {
    const key = keyOf(this.labelNames, labels);
    this.values.set(key, { labels: pick(this.labelNames, labels), value });
  }

  inc(labels?: Labels, by = 1): void {
    this.add(labels, by);
  }

  dec(labels?: Labels, by = 1): void {
    this.add(labels, -by);
  }
}

/** Cumulative bucket counts, sum and count of one label set of a histogram. */
export interface HistogramData {
  labels: Labels;
  /** counts[i] = observations ≤ buckets[i] (cumulative); the +Inf bucket is `count`. */
  counts: number[];
  sum: number;
  count: number;
}

/** Observations counted into fixed upper bounds (`le`), plus their sum and count. */
export class Histogram {
  readonly buckets: readonly number[];
  readonly #series = new Map<string, HistogramData>();

  constructor(
    readonly name: string,
    readonly help: string,
    buckets: readonly number[],
    readonly labelNames: readonly string[] = [],
  ) {
    checkName(name, [...labelNames, "le"]);
    if (labelNames.includes("le")) throw new Error(`Histogram "${name}" cannot have a label named "le"`);
    const sorted = [...buckets].filter((b) => b !== Infinity).sort((a, b) => a - b);
    if (sorted.length === 0 || sorted.some((b, i) => i > 0 && b === sorted[i - 1])) {
      throw new Error(`Histogram "${name}" needs distinct bucket bounds`);
    }
    this.buckets = sorted;
  }

  observe(labels: Labels | undefined, value: number): void {
    const key = keyOf(this.labelNames, labels);
    let s = this.#series.get(key);
    if (!s) {
      s = { labels: pick(this.labelNames, labels), counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.#series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) s.counts[i]++;
    s.sum += value;
    s.count++;
  }

  /** Copies of every label set's data (for renderers other than the standard one). */
  snapshot(): HistogramData[] {
    return [...this.#series.values()].map((s) => ({ ...s, counts: [...s.counts] }));
  }

  /** The standard rendering: `_bucket{le}`, `_sum`, `_count`. */
  collect(): MetricFamily {
    const samples: Sample[] = [];
    for (const s of this.#series.values()) {
      this.buckets.forEach((b, i) => samples.push({ suffix: "_bucket", labels: { ...s.labels, le: formatValue(b) }, value: s.counts[i] }));
      samples.push({ suffix: "_bucket", labels: { ...s.labels, le: "+Inf" }, value: s.count });
      samples.push({ suffix: "_sum", labels: s.labels, value: s.sum });
      samples.push({ suffix: "_count", labels: s.labels, value: s.count });
    }
    return { name: this.name, help: this.help, type: "histogram", samples };
  }
}

export type Metric = Counter | Gauge | Histogram;

/** Metrics by name, plus collectors called at scrape time for values computed on demand. */
export class MetricsRegistry {
  readonly #metrics = new Map<string, Metric>();
  readonly #collectors: (() => MetricFamily[])[] = [];

  #register<M extends Metric>(m: M): M {
    if (this.#metrics.has(m.name)) throw new Error(`Metric "${m.name}" is already registered`);
    this.#metrics.set(m.name, m);
    return m;
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.#register(new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.#register(new Gauge(name, help, labelNames));
  }

  histogram(name: string, help: string, buckets: readonly number[], labelNames: readonly string[] = []): Histogram {
    return this.#register(new Histogram(name, help, buckets, labelNames));
  }

  /** Adds a function whose families are appended to every collect(). */
  addCollector(collect: () => MetricFamily[]): void {
    this.#collectors.push(collect);
  }

  collect(): MetricFamily[] {
    return [...[...this.#metrics.values()].map((m) => m.collect()), ...this.#collectors.flatMap((c) => c())];
  }

  render(constLabels?: Labels): string {
    return renderExposition(this.collect(), constLabels);
  }
}
