// The Windows service protocol, platform-free: what to report to the Service Control Manager
// (SCM) and when — start pending, running, stop pending with checkpoints, stopped with an exit
// code — driven through an ScmBinding (bun:ffi on Windows, a fake in tests).

/** SERVICE_STATUS.dwCurrentState values. */
export const ServiceState = {
  STOPPED: 1,
  START_PENDING: 2,
  STOP_PENDING: 3,
  RUNNING: 4,
} as const;

/** Control codes the SCM sends to the handler. */
export const ServiceControl = {
  STOP: 1,
  INTERROGATE: 4,
  SHUTDOWN: 5,
} as const;

/** SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN. */
const ACCEPT_STOP_AND_SHUTDOWN = 0x1 | 0x4;
/** SERVICE_WIN32_OWN_PROCESS: one service in this process. */
const SERVICE_WIN32_OWN_PROCESS = 0x10;
/** Win32 error meaning "look at dwServiceSpecificExitCode". */
const ERROR_SERVICE_SPECIFIC_ERROR = 1066;

/** The SERVICE_STATUS structure, field for field. */
export interface ServiceStatus {
  /** dwServiceType: always SERVICE_WIN32_OWN_PROCESS here. */
  serviceType: number;
  /** dwCurrentState: one of ServiceState. */
  currentState: number;
  /** dwControlsAccepted: 0 while pending, stop and shutdown while running. */
  controlsAccepted: number;
  /** dwWin32ExitCode: 0, or ERROR_SERVICE_SPECIFIC_ERROR with serviceSpecificExitCode. */
  win32ExitCode: number;
  /** dwServiceSpecificExitCode: our process exit code when it is not 0. */
  serviceSpecificExitCode: number;
  /** dwCheckPoint: increases during a long start or stop so the SCM knows we are alive. */
  checkPoint: number;
  /** dwWaitHint: ms until the next status report at the latest, while pending. */
  waitHint: number;
}

/** What the protocol needs from the operating system; see scm-ffi.ts for the real one. */
export interface ScmBinding {
  /**
   * Runs StartServiceCtrlDispatcherW on another thread. `serviceMain` is called (on the JS
   * thread) when the SCM starts the service. Resolves when the dispatcher returns: `ok` false
   * with `error` 1063 when this process was not started by the SCM.
   */
  dispatch(serviceMain: () => void): Promise<{ ok: boolean; error: number }>;
  /** RegisterServiceCtrlHandlerW; `handler` is called on the JS thread. False on failure. */
  registerHandler(name: string, handler: (control: number) => void): boolean;
  /** SetServiceStatus. False on failure. */
  setStatus(status: ServiceStatus): boolean;
  /** Frees callbacks and threads once the dispatcher has returned. */
  close(): void;
}

export interface WindowsServiceOptions {
  /** Service name as registered (sc.exe create NAME). */
  name: string;
  /** Graceful shutdown, called once on STOP or SHUTDOWN; the service reports stopped when it settles. */
  onStop: () => Promise<void>;
  /** Log lines about the service protocol (default: none). */
  log?: (message: string) => void;
  /** Called with the exit code after the SCM was told we stopped (default: process.exit). */
  exit?: (code: number) => void;
  /** How often to renew the wait hint while starting or stopping, ms (default 2000). */
  checkpointMs?: number;
}

/** Returned to the server when it runs as a service. */
export interface WindowsService {
  /** Tell the SCM the server is up (call once the listeners are open). */
  running(): void;
  /** Tell the SCM the service ended (e.g. start-up failed) and exit with `code`. */
  stopped(code: number): Promise<void>;
}

/** Drives one service run over `scm`; see startWindowsService for the public entry. */
export class ServiceController implements WindowsService {
  #state: number = ServiceState.START_PENDING;
  #checkPoint = 0;
  #exitCode = 0;
  #ticker: ReturnType<typeof setInterval> | undefined;
  #stopping: Promise<void> | undefined;
  #dispatcherDone: Promise<unknown> = Promise.resolve();

  constructor(
    readonly scm: ScmBinding,
    readonly opts: WindowsServiceOptions,
  ) {}

  /** Resolves with this controller once the SCM started us, or null when not run by the SCM. */
  start(): Promise<ServiceController | null> {
    return new Promise((resolve, reject) => {
      let started = false;
      const onMain = () => {
        started = true;
        if (!this.scm.registerHandler(this.opts.name, (c) => this.#control(c))) {
          reject(new Error(`Cannot register the control handler of service "${this.opts.name}"`));
          return;
        }
        this.#report(ServiceState.START_PENDING);
        this.#tick();
        resolve(this);
      };
      const done = this.scm.dispatch(onMain).then((r) => {
        if (!started) {
          this.opts.log?.(`Not started by the Service Control Manager (error ${r.error}); running as a console program`);
          this.scm.close();
          resolve(null);
        }
        return r;
      }, reject);
      this.#dispatcherDone = done.catch(() => {});
    });
  }

  running(): void {
    if (this.#state !== ServiceState.START_PENDING) return;
    this.#untick();
    this.#report(ServiceState.RUNNING);
    this.opts.log?.(`Service "${this.opts.name}" is running`);
  }

  async stopped(code: number): Promise<void> {
    this.#untick();
    this.#exitCode = code;
    this.#report(ServiceState.STOPPED);
    // The dispatcher returns once every service of the process reported STOPPED; should it
    // not, exiting anyway beats a process the SCM already considers gone.
    await Promise.race([this.#dispatcherDone, new Promise((r) => setTimeout(r, 5_000).unref())]);
    this.scm.close();
    (this.opts.exit ?? ((c: number) => process.exit(c)))(code);
  }

  #control(control: number): void {
    if (control === ServiceControl.STOP || control === ServiceControl.SHUTDOWN) {
      this.#stopping ??= this.#stop(control === ServiceControl.SHUTDOWN ? "shutdown" : "stop");
      return;
    }
    // INTERROGATE and anything unknown: repeat the current status.
    this.#report(this.#state);
  }

  async #stop(why: string): Promise<void> {
    this.opts.log?.(`Service "${this.opts.name}" received ${why}; shutting down`);
    this.#untick();
    this.#report(ServiceState.STOP_PENDING);
    this.#tick();
    let code = 0;
    try {
      await this.opts.onStop();
    } catch (err) {
      this.opts.log?.(`Graceful shutdown failed: ${(err as Error).message}`);
      code = 1;
    }
    await this.stopped(code);
  }

  /** Renews the wait hint while pending, so a slow start or drain is not taken for a hang. */
  #tick(): void {
    const every = this.opts.checkpointMs ?? 2000;
    this.#ticker = setInterval(() => this.#report(this.#state), every);
  }

  #untick(): void {
    if (this.#ticker) clearInterval(this.#ticker);
    this.#ticker = undefined;
  }

  #report(state: number): void {
    const pending = state === ServiceState.START_PENDING || state === ServiceState.STOP_PENDING;
    this.#checkPoint = pending && state === this.#state ? this.#checkPoint + 1 : 0;
    this.#state = state;
    const failed = state === ServiceState.STOPPED && this.#exitCode !== 0;
    const status: ServiceStatus = {
      serviceType: SERVICE_WIN32_OWN_PROCESS,
      currentState: state,
      controlsAccepted: state === ServiceState.RUNNING ? ACCEPT_STOP_AND_SHUTDOWN : 0,
      win32ExitCode: failed ? ERROR_SERVICE_SPECIFIC_ERROR : 0,
      serviceSpecificExitCode: failed ? this.#exitCode : 0,
      checkPoint: pending ? this.#checkPoint : 0,
      waitHint: pending ? 3 * (this.opts.checkpointMs ?? 2000) : 0,
    };
    if (!this.scm.setStatus(status)) this.opts.log?.(`SetServiceStatus(${state}) failed`);
  }
}
