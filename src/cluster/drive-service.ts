// The drive service: serves this node's drives to peers over RPC, one method per Drive method
// ("drive.info" … "drive.walk"). Arguments are [driveKey, ...the Drive method's arguments];
// createFile takes its bytes as the call's body, readFileStream answers a stream, walk frames.
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

function splitArgs(args: unknown, method: string): [string, unknown[]] {
  if (!Array.isArray(args) || typeof args[0] !== "string") throw new DriveError("Faulty", `RPC ${method}: arguments must be [driveKey, ...]`);
  return [args[0], args.slice(1)];
}

export function registerDriveService(server: RpcServer, drives: ReadonlyMap<string, Drive>): void {
  const pick = (method: string, args: unknown): [Drive, unknown[]] => {
    const [key, rest] = splitArgs(args, method);
    const drive = drives.get(key);
    if (!drive)
      throw new DriveError(
        "Faulty",
        `RPC ${method}: this node serves no drive "${key}" (it has ${[...drives.keys()].map((k) => `"${k}"`).join(", ") || "none"})`,
      );
    return [drive, rest];
  };
  for (const name of PLAIN_DRIVE_METHODS) {
    const method = driveMethod(name);
    server.register(method, async (args) => {
      const [drive, rest] = pick(method, args);
      const run = drive[name] as (...a: unknown[]) => Promise<unknown>;
      return { value: await run.apply(drive, rest) };
    });
  }
  server.register(driveMethod("createFile"), async (args, body) => {
    const [drive, [volume, path, size]] = pick("drive.createFile", args);
    const bytes = body ?? new Response(new Uint8Array(0)).body!;
    await drive.createFile(volume as string, path as string, size as number, bytes);
    return { value: null };
  });
  server.register(driveMethod("readFileStream"), async (args) => {
    const [drive, [volume, path, offset, length, opts]] = pick("drive.readFileStream", args);
    const stream = await drive.readFileStream(volume as string, path as string, offset as number, length as number, (opts ?? undefined) as { chunk?: number });
    return { stream };
  });
  server.register(driveMethod("walk"), async (args) => {
    const [drive, [opts]] = pick("drive.walk", args);
    return { frames: drive.walk(opts as Parameters<Drive["walk"]>[0]) };
  });
}
