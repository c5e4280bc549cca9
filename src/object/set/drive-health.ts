// Per-set drive health: every drive call runs against a deadline, and a drive that misses one
// is taken out of service, so later requests skip it at once instead of each waiting out the
// timeout. A probe (Drive.info with the same deadline) puts it back once it answers again.
import { DriveError, type Drive } from "../../disk/index.ts";
import { withDeadline } from "../../util/index.ts";

/** Runs one call on one drive under the deadline (see DriveHealth.guardFor). */
export type Guard = <T>(call: Promise<T>, what: () => string) => Promise<T>;

export class DriveHealth {
  readonly #down: boolean[];
  #timer: ReturnType<typeof setInterval> | undefined;
  #probing: Promise<number[]> | undefined;
  #closed = false;

  constructor(
    readonly drives: readonly (Drive | null)[],
    readonly timeoutMs: number,
    /** How often drives taken out of service are probed in the background. */
    readonly probeMs: number,
    /** Told which positions a probe brought back into service (the store retries owed heals then). */
    readonly onBack: (positions: number[]) => void = () => {},
  ) {
    this.#down = drives.map(() => false);
  }

  /** False for a missing drive and for one that missed a deadline and has not answered a probe since. */
  isUp(pos: number): boolean {
    return this.drives[pos] !== null && !this.#down[pos];
  }

  /**
   * Positions a new write cannot count on: out of service, or known unreachable or going away
   * (a remote drive whose server is offline or shutting down; calls to it may still be tried).
   */
  get downCount(): number {
    return this.drives.filter((d, i) => !this.isUp(i) || d?.isOnline?.() === false).length;
  }

  /** The guard for calls on drive `pos`: refused at once while the drive is down. */
  guardFor(pos: number): Guard {
    return <T>(call: Promise<T>, what: () => string): Promise<T> => {
      if (this.#down[pos]) {
        call.catch(() => {});
        return Promise.reject(new DriveError("Faulty", `${this.drives[pos]?.endpoint ?? `drive ${pos}`} is out of service after missing a deadline`));
      }
      return withDeadline(call, this.timeoutMs, () => {
        this.#markDown(pos);
        return new DriveError("Faulty", what());
      });
    };
  }

  #markDown(pos: number): void {
    if (this.#closed || this.#down[pos]) return;
    this.#down[pos] = true;
    this.#timer ??= setInterval(() => void this.probe(), this.probeMs);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /** Probes every drive that is down now; resolves with the positions back in service. */
  probe(): Promise<number[]> {
    this.#probing ??= this.#probeOnce().finally(() => (this.#probing = undefined));
    return this.#probing;
  }

  async #probeOnce(): Promise<number[]> {
    const down = this.#down.flatMap((d, i) => (d ? [i] : []));
    const back = await Promise.all(
      down.map(async (pos) => {
        const drive = this.drives[pos]!;
        const ok = await withDeadline(drive.info(), this.timeoutMs, () => new DriveError("Faulty", `${drive.endpoint}: probe timed out`)).then(
          () => true,
          () => false,
        );
        if (ok) this.#down[pos] = false;
        return ok ? pos : -1;
      }),
    );
    if (!this.#down.some(Boolean) && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
    const cameBack = back.filter((p) => p >= 0);
    if (cameBack.length > 0 && !this.#closed) this.onBack(cameBack);
    return cameBack;
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
