// The drive service: serves this node's drives to peers over RPC, one method per Drive method
// ("drive.info" … "drive.walk"). Arguments are [drive, ...the Drive method's arguments], the
// drive named by its path or by { path, id } when the caller knows which disk it expects there
// (refused when the drive holds another one); createFile takes its bytes as the call's body,
// readFileStream answers a stream, walk frames.
import { DriveError, type Drive } from "../disk/index.ts";
import type { RpcServer } from "./rpc-server.ts";

/** Drive methods whose arguments and result are plain data (one CBOR value each way). */
export const PLAIN_DRIVE_METHODS = [
  "info",
  "makeVol",
  "listVols",
  "statVol",
  "deleteVol",
  "readAll",
  "writeAll",
  "readFile",
  "statFile",
  "renameFile",
  "delete",
  "listDir",
  "readMetadata",
  "readVersion",
  "writeMetadata",
  "updateMetadata",
  "renameData",
  "deleteVersion",
] as const;

export type PlainDriveMethod = (typeof PLAIN_DRIVE_METHODS)[number];

/** The RPC method name of a Drive method. */
export function driveMethod(name: PlainDriveMethod | "createFile" | "readFileStream" | "walk"): string {
  return `drive.${name}`;
}

function splitArgs(args: unknown, method: string): [string, string | undefined, unknown[]] {
  const ref = Array.isArray(args) ? args[0] : undefined;
  if (typeof ref === "string") return [ref, undefined, (args as unknown[]).slice(1)];
  const r = ref as { path?: unknown; id?: unknown } | undefined;
  if (typeof r?.path === "string" && typeof r.id === "string") return [r.path, r.id, (args as unknown[]).slice(1)];
  throw new DriveError("Faulty", `RPC ${method}: arguments must be [drive, ...]`);
}

export function registerDriveService(server: RpcServer, drives: ReadonlyMap<string, Drive>): void {
  /** Each drive's disk id as last read from its format.json (only ids that were there). */
  const ids = new Map<string, string>();
  const pick = async (method: string, args: unknown): Promise<[Drive, unknown[]]> => {
    const [key, expected, rest] = splitArgs(args, method);
    const drive = drives.get(key);
    if (!drive)
      throw new DriveError(
        "Faulty",
        `RPC ${method}: this node serves no drive "${key}" (it has ${[...drives.keys()].map((k) => `"${k}"`).join(", ") || "none"})`,
      );
    if (expected !== undefined && ids.get(key) !== expected) {
      // Read again: the drive may have been formatted (a replaced drive) since it was last read.
      const id = (await drive.info()).id;
      if (id) ids.set(key, id);
      if (id !== expected) {
        const holds = id ? `disk ${id}` : "no formatted disk";
        throw new DriveError("Faulty", `Drive "${key}" holds ${holds}, not disk ${expected} that the deployment expects there (drives swapped or replaced?)`);
      }
    }
    return [drive, rest];
  };
  for (const name of PLAIN_DRIVE_METHODS) {
    const method = driveMethod(name);
    server.register(method, async (args) => {
      const [drive, rest] = await pick(method, args);
      const run = drive[name] as (...a: unknown[]) => Promise<unknown>;
      return { value: await run.apply(drive, rest) };
    });
  }
  server.register(driveMethod("createFile"), async (args, body) => {
    const [drive, [volume, path, size]] = await pick("drive.createFile", args);
    const bytes = body ?? new Response(new Uint8Array(0)).body!;
    await drive.createFile(volume as string, path as string, size as number, bytes);
    return { value: null };
  });
  server.register(driveMethod("readFileStream"), async (args) => {
    const [drive, [volume, path, offset, length, opts]] = await pick("drive.readFileStream", args);
    const stream = await drive.readFileStream(volume as string, path as string, offset as number, length as number, (opts ?? undefined) as { chunk?: number });
    return { stream };
  });
  server.register(driveMethod("walk"), async (args) => {
    const [drive, [opts]] = await pick("drive.walk", args);
    return { frames: drive.walk(opts as Parameters<Drive["walk"]>[0]) };
  });
}
