// The server's operator log: every server-level line goes through one Logger, which prints it
// (as the server always has) and keeps the last lines in a bounded ring buffer that the admin
// API's console log stream (madmin `log`, mc admin logs) replays and then follows.

export type LogLevel = "INFO" | "ERROR";

/** One logged line. */
export interface LogEntry {
  time: Date;
  level: LogLevel;
  /** The line itself (secrets redacted). */
  message: string;
  /** For a line about a failure: the error's message and its stack frames (secrets redacted). */
  error?: { message: string; source: string[] };
}

/** Where lines are printed; console.log / console.error by default. */
export interface LogPrinter {
  info(text: string): void;
  error(text: string): void;
}

export interface LoggerOptions {
  /** Informational lines are not printed (--quiet); errors still are. Both are kept for the stream. */
  quiet?: boolean;
  /** Lines kept for replay (default 1000). */
  capacity?: number;
  printer?: LogPrinter;
  /**
   * Values that must never be printed or streamed (the root secret, the KMS key): replaced by
   * *REDACTED* wherever they appear. Values shorter than 8 characters are not treated as secrets.
   */
  secrets?: readonly string[];
}

export const DEFAULT_LOG_CAPACITY = 1000;
const REDACTED = "*REDACTED*";
const MIN_SECRET_LENGTH = 8;

export class Logger {
  readonly capacity: number;
  readonly #ring: LogEntry[] = [];
  /** Index in #ring of the oldest line once the ring is full. */
  #head = 0;
  readonly #listeners = new Set<(e: LogEntry) => void>();
  readonly #printer: LogPrinter;
  readonly #secrets: string[];

  constructor(readonly opts: LoggerOptions = {}) {
    this.capacity = Math.max(1, opts.capacity ?? DEFAULT_LOG_CAPACITY);
    this.#printer = opts.printer ?? { info: (t) => console.log(t), error: (t) => console.error(t) };
    this.#secrets = (opts.secrets ?? []).filter((s) => s.length >= MIN_SECRET_LENGTH);
  }

  /** An informational line (printed unless quiet). */
  info(message: string): void {
    const entry: LogEntry = { time: new Date(), level: "INFO", message: this.#redact(message) };
    if (!this.opts.quiet) this.#printer.info(entry.message);
    this.#keep(entry);
  }

  /** A failure: the line, and the error with its stack when there is one (always printed). */
  error(message: string, err?: unknown): void {
    const entry: LogEntry = { time: new Date(), level: "ERROR", message: this.#redact(message) };
    let printed = entry.message;
    if (err !== undefined) {
      const text = this.#redact(err instanceof Error ? Bun.inspect(err) : String(err));
      entry.error = { message: this.#redact(err instanceof Error ? err.message : String(err)), source: stackFrames(text) };
      printed = `${entry.message} ${text}`;
    }
    this.#printer.error(printed);
    this.#keep(entry);
  }

  /** The callback form the layers take (`log: (line) => void`). */
  readonly line = (message: string): void => this.info(message);

  /** The last `limit` lines, oldest first. */
  recent(limit: number): LogEntry[] {
    const ordered = this.#ring.length < this.capacity ? this.#ring : [...this.#ring.slice(this.#head), ...this.#ring.slice(0, this.#head)];
    const n = Math.max(0, Math.min(limit, ordered.length));
    return n === 0 ? [] : ordered.slice(ordered.length - n);
  }

  /** How many listeners follow the log now (open console log streams). */
  get following(): number {
    return this.#listeners.size;
  }

  /** Called with every line logged from now on; the returned function stops. */
  subscribe(listener: (e: LogEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #keep(entry: LogEntry): void {
    if (this.#ring.length < this.capacity) this.#ring.push(entry);
    else {
      this.#ring[this.#head] = entry;
      this.#head = (this.#head + 1) % this.capacity;
    }
    for (const l of this.#listeners) {
      try {
        l(entry);
      } catch {
        // A listener whose connection went away must not stop the line reaching the others.
      }
    }
  }

  #redact(text: string): string {
    let out = text;
    for (const s of this.#secrets) out = out.replaceAll(s, REDACTED);
    return out;
  }
}

/** The "at …" frames of a printed error, trimmed. */
function stackFrames(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("at "));
}
