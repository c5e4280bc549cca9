// bench:iam — what authorization by IAM costs: 4 KiB GETs against the real server (4 temp drives)
// signed by the root user (no policy evaluation: the ceiling, measured in the same run), by an IAM
// user whose access comes from a group's policy plus its own (a Deny statement included), and by
// a service account of that user with an embedded policy (both policies evaluated). Prints JSON.
import { madminDecrypt, madminEncrypt } from "../../src/crypto/index.ts";
import { TempDirs } from "../../test/support/temp-dirs.ts";
import { ROOT_PASSWORD, ROOT_USER, startServer } from "../../test/support/server-process.ts";
import { drainAndVerify, runLoad, type LoadResult } from "./load.ts";
import { BenchClient } from "./sigv4-client.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? "1,16").split(",").map(Number);
const body = new Uint8Array(4096).map((_, i) => (i * 13 + 1) & 0xff);

async function ok(res: Response): Promise<Response> {
  if (!res.ok) throw new Error(`${res.status}: ${await res.text()}`);
  return res;
}

const policy = (statements: object[]) => new TextEncoder().encode(JSON.stringify({ Version: "2012-10-17", Statement: statements }));

async function setUp(root: BenchClient): Promise<{ user: BenchClient; account: BenchClient }> {
  const admin = (method: string, call: string, query: string, data?: Uint8Array) =>
    root.request(method, `/minio/admin/v3/${call}`, { query, body: data, length: data?.length ?? 0 }).then(ok);
  await admin(
    "PUT",
    "add-canned-policy",
    "name=bench-read",
    policy([{ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: ["arn:aws:s3:::bench", "arn:aws:s3:::bench/*"] }]),
  );
  await admin(
    "PUT",
    "add-canned-policy",
    "name=bench-deny",
    policy([{ Effect: "Deny", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::bench/private/*"] }]),
  );
  await admin(
    "PUT",
    "add-user",
    "accessKey=bench-user",
    await madminEncrypt(ROOT_PASSWORD, new TextEncoder().encode(JSON.stringify({ secretKey: "bench-user-secret", status: "enabled" }))),
  );
  await admin("PUT", "update-group-members", "", new TextEncoder().encode(JSON.stringify({ group: "readers", members: ["bench-user"], isRemove: false })));
  await admin("PUT", "set-user-or-group-policy", "policyName=bench-read&userOrGroup=readers&isGroup=true");
  await admin("PUT", "set-user-or-group-policy", "policyName=bench-deny&userOrGroup=bench-user&isGroup=false");
  const embedded = JSON.parse(new TextDecoder().decode(policy([{ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::bench/*"] }])));
  const req = await madminEncrypt(ROOT_PASSWORD, new TextEncoder().encode(JSON.stringify({ targetUser: "bench-user", policy: embedded })));
  const res = await admin("PUT", "add-service-account", "", req);
  const creds = JSON.parse(new TextDecoder().decode(await madminDecrypt(ROOT_PASSWORD, new Uint8Array(await res.arrayBuffer())))).credentials;
  return { user: new BenchClient(root.endpoint, "bench-user", "bench-user-secret"), account: new BenchClient(root.endpoint, creds.accessKey, creds.secretKey) };
}

const temp = new TempDirs();
try {
  const server = await startServer(temp, { drives: 4 });
  const root = new BenchClient(server.endpoint, ROOT_USER, ROOT_PASSWORD);
  await ok(await root.request("PUT", "/bench"));
  await ok(await root.request("PUT", "/bench/obj", { body, length: body.length }));
  const { user, account } = await setUp(root);
  const result: Record<string, unknown> = { machine: { cores: navigator.hardwareConcurrency, bun: Bun.version } };
  const runs: Record<string, LoadResult> = {};
  for (const c of CONCURRENCY) {
    for (const [name, client] of [
      ["root", root],
      ["user", user],
      ["service_account", account],
    ] as const) {
      runs[`GET_4KiB_${name}_c${c}`] = await runLoad({
        concurrency: c,
        durationMs: SECONDS * 1000,
        maxOps: Infinity,
        op: async () => drainAndVerify(await ok(await client.request("GET", "/bench/obj")), body),
      });
    }
  }
  Object.assign(result, runs);
  // The root user skips policy evaluation: its rate is this run's ceiling for the same request.
  result.ratios = Object.fromEntries(
    CONCURRENCY.flatMap((c) => [
      [`user_vs_root_c${c}`, Math.round((runs[`GET_4KiB_user_c${c}`].ops_s / runs[`GET_4KiB_root_c${c}`].ops_s) * 1000) / 1000],
      [`service_account_vs_root_c${c}`, Math.round((runs[`GET_4KiB_service_account_c${c}`].ops_s / runs[`GET_4KiB_root_c${c}`].ops_s) * 1000) / 1000],
    ]),
  );
  console.log(JSON.stringify(result, null, 2));
  await server.stop();
} finally {
  temp.cleanup();
}
