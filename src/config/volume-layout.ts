// The shape of a parsed deployment: drives (endpoints), pools and erasure sets, as plain data.
// Types only: endpoints.ts and url-endpoints.ts both build them, and share them from here
// rather than importing each other.

/** One drive of the deployment. */
export interface Endpoint {
  /** The argument after ellipsis expansion, as written. */
  raw: string;
  /** Set for URL drives (`http(s)://host:port/path`), port always present. */
  url?: URL;
  /** URL drives: host name or IP (no brackets), as written but lowercased. */
  host?: string;
  /** URL drives: port, the server port when the URL had none. */
  port?: number;
  /** Absolute path: on this machine for path drives, on `host` for URL drives. */
  path: string;
  /** Whether this process serves the drive (path drives always; URL drives when host:port is us). */
  isLocal: boolean;
}

/** One server pool: its drives and how they are grouped into erasure sets. */
export interface PoolLayout {
  /** The argument(s) the pool came from, space-joined for a plain drive list. */
  cmdline: string;
  /** True for a drive list without ellipses (MinIO's "legacy" form, one pool only). */
  legacy: boolean;
  /** Drives in MinIO's order; set membership refers to these indices. */
  endpoints: readonly Endpoint[];
  /** sets[i] = indices into `endpoints` of the drives of erasure set i, in set position order. */
  sets: readonly (readonly number[])[];
  /** Number of erasure sets. */
  setCount: number;
  /** Drives per erasure set (1 only for xl-single). */
  setDriveCount: number;
}

/** How MinIO would classify the deployment. */
export type SetupType = "xl-single" | "erasure" | "dist-erasure";

/** The parsed drive arguments. */
export interface VolumeLayout {
  /** Pools in argument order; pool 0 first. */
  pools: readonly PoolLayout[];
  /** xl-single (one drive), erasure (one machine) or dist-erasure (several hosts). */
  setupType: SetupType;
}

/** What endpoint parsing needs from the surroundings. */
export interface EndpointContext {
  /** Port of this server. */
  serverPort: number;
  /** Base directory for relative paths. */
  cwd: string;
  /** Addresses meaning this machine. */
  local: ReadonlySet<string>;
}
