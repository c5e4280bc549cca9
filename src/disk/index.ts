// disk/: one drive — the Drive contract, LocalDrive, and MinIO's on-disk formats.
export * from "./drive.ts";
export * from "./drive-error.ts";
export * from "./file-info.ts";
export * from "./xl-meta/index.ts";
export * from "./format-json.ts";
export * from "./bucket-metadata.ts";
export * from "./part-meta.ts";
export { LocalDrive, type LocalDriveOptions, type FsyncPolicy } from "./local-drive.ts";
export { checkPath } from "./drive-path.ts";
