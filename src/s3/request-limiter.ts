// How many S3 requests are served at once (the api subsystem's requests_max): a request past the
// limit waits, first come first served, up to the deadline for a slot, then is refused with
// SlowDown. A slot is held until the response body is sent, so a long download counts as served.
import { S3Error } from "./errors.ts";

/** Frees a slot; calling it again does nothing. */
export type ReleaseSlot = () => void;

interface Waiter {
  grant(release: ReleaseSlot): void;
}

export class RequestLimiter {
  #active = 0;
  readonly #queue: Waiter[] = [];

  /** At most `max` requests at once (at least 1); others wait up to `deadlineMs`. */
  constructor(
    readonly max: number,
    readonly deadlineMs: number,
  ) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`A request limit must be a whole number of at least 1, not ${max}`);
  }

  /** Requests being served now. */
  get active(): number {
    return this.#active;
  }

  /** Requests waiting for a slot. */
  get waiting(): number {
    return this.#queue.length;
  }

  /**
   * A slot for one request: at once when one is free, else when one frees up. Throws SlowDown
   * once the deadline passes and ClientDisconnected when `signal` aborts while waiting.
   */
  acquire(signal?: AbortSignal): Promise<ReleaseSlot> {
    if (signal?.aborted) return Promise.reject(new S3Error("ClientDisconnected"));
    if (this.#active < this.max) {
      this.#active++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise<ReleaseSlot>((resolve, reject) => {
      const leave = (err: S3Error) => {
        const at = this.#queue.indexOf(waiter);
        if (at < 0) return;
        this.#queue.splice(at, 1);
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        reject(err);
      };
      const onAbort = () => leave(new S3Error("ClientDisconnected"));
      const timer = setTimeout(
        () => leave(new S3Error("SlowDown", `Please reduce your request rate: no request slot freed up within ${this.deadlineMs} ms.`)),
        this.deadlineMs,
      );
      const waiter: Waiter = {
        grant: (release) => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          resolve(release);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  /** A release that hands the slot to the longest waiter, or frees it. */
  #releaser(): ReleaseSlot {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.#queue.shift();
      if (next) next.grant(this.#releaser());
      else this.#active--;
    };
  }
}

/**
 * The response with its slot released once its body is sent, cancelled or fails (at once when
 * it has no body), so a slow download keeps its slot until its last byte — or until `gone`
 * aborts (the client hung up, perhaps before anyone read the body).
 */
export function releaseWhenSent(response: Response, slot: ReleaseSlot, gone?: AbortSignal): Response {
  const release = () => {
    gone?.removeEventListener("abort", release);
    slot();
  };
  const body = response.body;
  if (!body || gone?.aborted) {
    release();
    if (!body) return response;
  } else gone?.addEventListener("abort", release, { once: true });
  const reader = body.getReader();
  const held = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            release();
            controller.close();
          } else controller.enqueue(value);
        } catch (err) {
          release();
          controller.error(err);
        }
      },
      async cancel(reason) {
        release();
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(held, { status: response.status, statusText: response.statusText, headers: response.headers });
}
