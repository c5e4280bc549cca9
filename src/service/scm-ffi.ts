// The ScmBinding for Windows over bun:ffi (advapi32). StartServiceCtrlDispatcherW blocks its
// thread for the life of the service, so it runs in a Worker; ServiceMain and the control
// handler are thread-safe JSCallbacks that Bun queues onto this (the main) JS thread.
import { JSCallback, dlopen, ptr } from "bun:ffi";
import type { ScmBinding, ServiceStatus } from "./service-control.ts";

// Inline worker (a blob URL), so a compiled binary needs no extra entry point for it.
const DISPATCHER_WORKER = `
import { dlopen } from "bun:ffi";
const adv = dlopen("advapi32.dll", { StartServiceCtrlDispatcherW: { args: ["ptr"], returns: "i32" } });
const k32 = dlopen("kernel32.dll", { GetLastError: { args: [], returns: "u32" } });
self.onmessage = (e) => {
  const ok = adv.symbols.StartServiceCtrlDispatcherW(e.data) !== 0;
  postMessage({ ok, error: ok ? 0 : k32.symbols.GetLastError() });
};
`;

/** UTF-16LE, NUL-terminated, as the W functions take strings. */
function wide(s: string): Buffer {
  return Buffer.from(`${s}\0`, "utf16le");
}

function loadAdvapi() {
  return dlopen("advapi32.dll", {
    RegisterServiceCtrlHandlerW: { args: ["ptr", "ptr"], returns: "ptr" },
    SetServiceStatus: { args: ["ptr", "ptr"], returns: "i32" },
  });
}

/** Creates the binding; loads advapi32 only when called (Windows only). */
export function createScmBinding(): ScmBinding {
  const adv = loadAdvapi();
  // Everything native code points at must stay reachable until close().
  const keep: { name?: Buffer; table?: BigUint64Array; main?: JSCallback; handler?: JSCallback; worker?: Worker } = {};
  let handle: ReturnType<typeof adv.symbols.RegisterServiceCtrlHandlerW> = null;

  return {
    dispatch(serviceMain) {
      keep.main = new JSCallback(() => serviceMain(), { args: ["u32", "ptr"], returns: "void", threadsafe: true });
      keep.name = wide("");
      // SERVICE_TABLE_ENTRYW[2]: { name, ServiceMain }, then the terminating { NULL, NULL }.
      keep.table = new BigUint64Array([BigInt(ptr(keep.name)), BigInt(keep.main.ptr!), 0n, 0n]);
      const url = URL.createObjectURL(new Blob([DISPATCHER_WORKER], { type: "application/javascript" }));
      const worker = (keep.worker = new Worker(url));
      return new Promise((resolve, reject) => {
        worker.onmessage = (e: MessageEvent) => resolve(e.data as { ok: boolean; error: number });
        worker.onerror = (e) => reject(new Error(`Service dispatcher thread failed: ${e.message}`));
        worker.postMessage(ptr(keep.table!));
      });
    },
    registerHandler(name, handler) {
      keep.handler = new JSCallback((control: number) => handler(control), { args: ["u32"], returns: "void", threadsafe: true });
      const n = wide(name);
      handle = adv.symbols.RegisterServiceCtrlHandlerW(ptr(n), keep.handler.ptr);
      return handle !== null && handle !== 0;
    },
    setStatus(s: ServiceStatus) {
      if (!handle) return false;
      const st = new Uint32Array([s.serviceType, s.currentState, s.controlsAccepted, s.win32ExitCode, s.serviceSpecificExitCode, s.checkPoint, s.waitHint]);
      return adv.symbols.SetServiceStatus(handle, ptr(st)) !== 0;
    },
    close() {
      keep.worker?.terminate();
      // The callbacks are left allocated: the SCM thread may still be returning through them.
    },
  };
}
