// The SCM protocol against a fake binding: start pending → running → stop pending (with
// checkpoints) → graceful stop → stopped with the exit code; console fallback; interrogate.
import { expect, test } from "bun:test";
import { ServiceControl, ServiceState, type ScmBinding, type ServiceStatus } from "./service-control.ts";
import { startWindowsService } from "./index.ts";

class FakeScm implements ScmBinding {
  statuses: ServiceStatus[] = [];
  handler: ((c: number) => void) | undefined;
  closed = 0;
  #finish: ((r: { ok: boolean; error: number }) => void) | undefined;
  constructor(readonly startedBySCM: boolean) {}
  dispatch(serviceMain: () => void) {
    return new Promise<{ ok: boolean; error: number }>((resolve) => {
      this.#finish = resolve;
      if (this.startedBySCM) queueMicrotask(serviceMain);
      else queueMicrotask(() => resolve({ ok: false, error: 1063 }));
    });
  }
  registerHandler(_name: string, handler: (c: number) => void) {
    this.handler = handler;
    return true;
  }
  setStatus(s: ServiceStatus) {
    this.statuses.push(s);
    if (s.currentState === ServiceState.STOPPED) this.#finish?.({ ok: true, error: 0 });
    return true;
  }
  close() {
    this.closed++;
  }
  states() {
    return this.statuses.map((s) => s.currentState);
  }
}

test("not started by the SCM: resolves null so the server runs as a console program", async () => {
  const scm = new FakeScm(false);
  const logs: string[] = [];
  const svc = await startWindowsService({ name: "Bunker", onStop: async () => {}, log: (m) => logs.push(m) }, scm);
  expect(svc).toBeNull();
  expect(scm.statuses).toEqual([]);
  expect(scm.closed).toBe(1);
  expect(logs.join("\n")).toContain("error 1063");
});

test("start pending, running, then STOP runs the graceful shutdown and reports stopped before exiting", async () => {
  const scm = new FakeScm(true);
  const events: string[] = [];
  let exited: number | undefined;
  let releaseStop!: () => void;
  const svc = await startWindowsService(
    {
      name: "Bunker",
      checkpointMs: 5,
      onStop: () =>
        new Promise<void>((r) => {
          events.push("onStop");
          releaseStop = r;
        }),
      exit: (code) => {
        exited = code;
      },
    },
    scm,
  );
  expect(svc).not.toBeNull();
  expect(scm.states()).toEqual([ServiceState.START_PENDING]);
  expect(scm.statuses[0].controlsAccepted).toBe(0);
  svc!.running();
  expect(scm.statuses.at(-1)).toMatchObject({ currentState: ServiceState.RUNNING, controlsAccepted: 5, checkPoint: 0, waitHint: 0 });

  scm.handler!(ServiceControl.INTERROGATE);
  expect(scm.statuses.at(-1)!.currentState).toBe(ServiceState.RUNNING);

  scm.handler!(ServiceControl.STOP);
  scm.handler!(ServiceControl.STOP); // a second STOP must not run the shutdown twice
  expect(events).toEqual(["onStop"]);
  expect(scm.statuses.at(-1)).toMatchObject({ currentState: ServiceState.STOP_PENDING, controlsAccepted: 0 });
  // While the drain is slow the wait hint is renewed with a growing checkpoint.
  while (scm.statuses.filter((s) => s.currentState === ServiceState.STOP_PENDING).length < 3) await Bun.sleep(5);
  const pending = scm.statuses.filter((s) => s.currentState === ServiceState.STOP_PENDING).map((s) => s.checkPoint);
  expect(pending.slice(0, 3)).toEqual([0, 1, 2]);
  expect(exited).toBeUndefined();

  releaseStop();
  while (exited === undefined) await Bun.sleep(1);
  expect(exited).toBe(0);
  expect(scm.statuses.at(-1)).toMatchObject({ currentState: ServiceState.STOPPED, win32ExitCode: 0 });
  expect(scm.closed).toBe(1);
});

test("a failed shutdown or start-up reports a service-specific exit code", async () => {
  const scm = new FakeScm(true);
  let exited: number | undefined;
  const svc = await startWindowsService(
    {
      name: "Bunker",
      onStop: async () => {
        throw new Error("disk gone");
      },
      exit: (c) => {
        exited = c;
      },
    },
    scm,
  );
  svc!.running();
  scm.handler!(ServiceControl.SHUTDOWN);
  while (exited === undefined) await Bun.sleep(1);
  expect(exited).toBe(1);
  expect(scm.statuses.at(-1)).toMatchObject({ currentState: ServiceState.STOPPED, win32ExitCode: 1066, serviceSpecificExitCode: 1 });

  const scm2 = new FakeScm(true);
  let exited2: number | undefined;
  const svc2 = await startWindowsService(
    {
      name: "Bunker",
      onStop: async () => {},
      exit: (c) => {
        exited2 = c;
      },
    },
    scm2,
  );
  await svc2!.stopped(3);
  expect(exited2).toBe(3);
  expect(scm2.states()).toEqual([ServiceState.START_PENDING, ServiceState.STOPPED]);
  expect(scm2.statuses.at(-1)!.serviceSpecificExitCode).toBe(3);
});

test("refuses to load the Windows binding on another platform", async () => {
  if (process.platform === "win32") return;
  await expect(startWindowsService({ name: "x", onStop: async () => {} })).rejects.toThrow(/only on Windows/);
});
