// A self-signed certificate for 127.0.0.1 in MinIO's certs-directory layout (public.crt,
// private.key), made by the openssl CLI, for servers started over TLS in tests.
import { join } from "node:path";

/** Writes public.crt and private.key into `dir`; returns the certificate's path (the CA bundle clients trust). */
export function selfSignedCert(dir: string): string {
  const gen = Bun.spawnSync(
    [
      "openssl",
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      join(dir, "private.key"),
      "-out",
      join(dir, "public.crt"),
    ],
    { stderr: "pipe" },
  );
  if (gen.exitCode !== 0) throw new Error(`openssl failed: ${gen.stderr.toString()}`);
  return join(dir, "public.crt");
}
