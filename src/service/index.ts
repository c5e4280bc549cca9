// service/: running under an operating system's service manager. Today: the Windows Service
// Control Manager via bun:ffi. Only server.ts imports this, and only on Windows (dynamically).
import { ServiceController, type ScmBinding, type WindowsService, type WindowsServiceOptions } from "./service-control.ts";

export {
  ServiceController,
  ServiceControl,
  ServiceState,
  type ScmBinding,
  type ServiceStatus,
  type WindowsService,
  type WindowsServiceOptions,
} from "./service-control.ts";

/**
 * Connects to the Service Control Manager when this process was started as the Windows service
 * `opts.name`. Resolves with a handle once the SCM called ServiceMain (status: start pending):
 * start the server, then call `running()`. Resolves with null when the process was not started
 * by the SCM (run from a console): carry on as a console program. On STOP or SHUTDOWN it calls
 * `opts.onStop()`, reports stopped and exits. `binding` is for tests.
 */
export async function startWindowsService(opts: WindowsServiceOptions, binding?: ScmBinding): Promise<WindowsService | null> {
  if (!binding && process.platform !== "win32") throw new Error("Windows services exist only on Windows");
  const scm = binding ?? (await import("./scm-ffi.ts")).createScmBinding();
  return new ServiceController(scm, opts).start();
}
