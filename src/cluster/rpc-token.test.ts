import { describe, expect, test } from "bun:test";
import { RpcError } from "./rpc-error.ts";
import { signToken, verifyToken } from "./rpc-token.ts";

const refused = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).kind).toBe("Unauthorized");
    return (err as RpcError).message;
  }
  throw new Error("expected the token to be refused");
};

describe("internode tokens", () => {
  const now = 1_700_000_000_000;
  test("a fresh token names its node", () => {
    expect(verifyToken("s3cret", signToken("s3cret", "node-1:9000", 60_000, now), now + 59_999)).toEqual({ node: "node-1:9000" });
  });
  test("another secret, expiry, tampering and garbage are refused", () => {
    const t = signToken("s3cret", "node-1:9000", 60_000, now);
    expect(refused(() => verifyToken("other", t, now))).toContain("signature");
    expect(refused(() => verifyToken("s3cret", t, now + 60_000))).toContain("expired");
    const [n, e, mac] = t.split(".");
    // Moving the expiry or the node without re-signing breaks the MAC.
    refused(() => verifyToken("s3cret", `${n}.${Number(e) + 1}.${mac}`, now));
    refused(() => verifyToken("s3cret", `${Buffer.from("node-2:9000").toString("base64url")}.${e}.${mac}`, now));
    const flipped = (mac[0] === "A" ? "B" : "A") + mac.slice(1);
    refused(() => verifyToken("s3cret", `${n}.${e}.${flipped}`, now));
    for (const bad of ["", "x", "a.b", "a.b.c.d", `${n}.${e}.`, `${n}.-5.${mac}`, `${n}.${e}.${mac}=`]) refused(() => verifyToken("s3cret", bad, now));
  });
});
