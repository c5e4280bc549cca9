// An ObjectStore whose drives are all RemoteDrives (one peer serving four LocalDrives over real
// loopback RPC): a multi-MiB PUT and GET, a ranged GET, and a listing cross the wire end to end.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { md5hex, randomBytes, readAllBody, bodyOf } from "../../test/support/object-harness.ts";
import { useCodec } from "../../test/support/use-codec.ts";
import { type Drive, LocalDrive } from "../disk/index.ts";
import { ObjectStore, loadPoolFormat } from "../object/index.ts";
import { type HttpListener, listenHttp } from "../server-http.ts";
import { registerDriveService } from "./drive-service.ts";
import { RemoteDrive } from "./remote-drive.ts";
import { RpcClient } from "./rpc-client.ts";
import { RpcServer } from "./rpc-server.ts";

const { codec, temp } = useCodec();
const SECRET = "remote-store-test-secret";
let listener: HttpListener;
let client: RpcClient;
let store: ObjectStore;
const locals: LocalDrive[] = [];

beforeAll(async () => {
  const parent = temp.make("bunker-drives-");
  const served = new Map<string, Drive>();
  for (let i = 1; i <= 4; i++) {
    const local = await LocalDrive.open(join(parent, `d${i}`), { fsync: "none" });
    locals.push(local);
    served.set(local.endpoint, local);
  }
  const server = new RpcServer({ secret: SECRET, version: 1 });
  registerDriveService(server, served);
  listener = await listenHttp({ hostname: "127.0.0.1", port: 0, idleTimeoutMs: 30_000, fetch: (req) => server.handle(req), onError: () => {} });
  const url = `http://127.0.0.1:${listener.port}`;
  client = new RpcClient({ url, secret: SECRET, node: "127.0.0.1:9001", version: 1 });
  const drives = [...served.keys()].map((key) => new RemoteDrive(client, key, `${url}${key}`));
  const fmt = await loadPoolFormat({ drives, sets: [[0, 1, 2, 3]] }, { poolIndex: 0 });
  store = new ObjectStore({ pools: [{ sets: fmt.sets }], deploymentId: fmt.deploymentId, distributionAlgo: fmt.distributionAlgo, codec });
});

afterAll(async () => {
  await store?.close();
  await client?.close();
  await listener?.stop(true);
  for (const d of locals) await d.close();
});

test("PUT and GET of a multi-MiB object, a ranged GET and a listing, all drives remote", async () => {
  await store.makeBucket("bkt");
  const data = randomBytes(9 * (1 << 20) + 12345, 7);
  const info = await store.putObject("bkt", "dir/big.bin", bodyOf(data, 256 * 1024), { size: data.length, userMeta: {} });
  expect(info.size).toBe(data.length);
  const got = await store.getObject("bkt", "dir/big.bin");
  expect(md5hex(await readAllBody(got.body))).toBe(md5hex(data));
  const ranged = await store.getObject("bkt", "dir/big.bin", { range: { start: 3_000_000, end: 5_500_000 } });
  expect(Buffer.from(await readAllBody(ranged.body)).equals(Buffer.from(data.subarray(3_000_000, 5_500_001)))).toBe(true);
  const small = randomBytes(1000, 3);
  await store.putObject("bkt", "dir/small.txt", bodyOf(small), { size: small.length, userMeta: {} });
  const listed = await store.listObjects("bkt", { prefix: "dir/", maxKeys: 1000 });
  expect(listed.objects.map((o) => o.key)).toEqual(["dir/big.bin", "dir/small.txt"]);
});
