// Cross-check with Go's crypto/tls, the TLS stack KES is built on (when `go` is installed; the
// standard library only, nothing fetched): a Go server that requires any client certificate
// accepts both our file-based certificate and the Ed25519 one made from a KES API key, and names
// each by the same identity as we do — hex SHA-256 of the certificate's SubjectPublicKeyInfo.
import { afterAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kesApiKeyCertificate, kesClientCertificate } from "../../src/crypto/index.ts";
import { makeKesPki } from "../support/kes-server.ts";
import { TempDirs } from "../support/temp-dirs.ts";

const temp = new TempDirs();
afterAll(() => temp.cleanup());
const go = Bun.which("go");

// A server in the manner of KES's authentication: any client certificate, no chain check,
// the identity computed from the raw SubjectPublicKeyInfo Go parsed.
const SERVER_GO = `package main

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
)

func main() {
	cert, err := tls.LoadX509KeyPair(os.Args[1], os.Args[2])
	if err != nil {
		panic(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	fmt.Println(ln.Addr().String())
	config := &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequireAnyClientCert, MinVersion: tls.VersionTLS12}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sum := sha256.Sum256(r.TLS.PeerCertificates[0].RawSubjectPublicKeyInfo)
		w.Write([]byte(hex.EncodeToString(sum[:])))
	})
	http.Serve(tls.NewListener(ln, config), handler)
}
`;

test.skipIf(!go)("Go's TLS server accepts our client certificates and derives the same identities", async () => {
  const dir = temp.make("bunker-kes-go-");
  const pki = makeKesPki(dir);
  writeFileSync(join(dir, "main.go"), SERVER_GO);
  writeFileSync(join(dir, "go.mod"), "module kescheck\n\ngo 1.19\n");
  const env = { ...process.env, GOFLAGS: "-mod=mod", GOPROXY: "off", GOCACHE: join(tmpdir(), "bunker-go-cache"), CGO_ENABLED: "0" };
  const build = Bun.spawnSync([go!, "build", "-o", "kescheck", "."], { cwd: dir, env, stderr: "pipe" });
  expect(build.stderr.toString()).toBe("");
  const proc = Bun.spawn([join(dir, "kescheck"), join(dir, "server.crt"), join(dir, "server.key")], { stdout: "pipe", stderr: "pipe" });
  try {
    const reader = proc.stdout.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    const url = `https://${first.trim()}`;
    const fromFiles = kesClientCertificate(pki.clientCert, pki.clientKey);
    const fromApiKey = kesApiKeyCertificate("kes:v1:AGaV6VXHasF0FnaB60WdCOeTZ8eTIDikL4zlN16c8NAs");
    for (const c of [fromFiles, fromApiKey]) {
      const res = await fetch(url, { tls: { ca: [pki.caCert], cert: c.cert, key: c.key }, signal: AbortSignal.timeout(10_000) });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(c.identity);
    }
    expect(fromApiKey.identity).toBe("ea9826089311fe44d7590408ede9150f7c637b6cab0a91ee6fe1aa5d9fb366f6");
  } finally {
    proc.kill();
    await proc.exited;
  }
});
