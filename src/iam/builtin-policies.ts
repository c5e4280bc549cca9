// MinIO's canned policies, present on every deployment without being stored (a stored policy of
// the same name replaces one); their documents as MinIO defines them.

const ALL = ["arn:aws:s3:::*"];

export const BUILTIN_POLICIES: Readonly<Record<string, string>> = {
  readwrite: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:*"], Resource: ALL }] }),
  readonly: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:GetObject"], Resource: ALL }] }),
  writeonly: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:PutObject"], Resource: ALL }] }),
  diagnostics: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: [
          "admin:ServerTrace",
          "admin:Profiling",
          "admin:ConsoleLog",
          "admin:ServerInfo",
          "admin:TopLocksInfo",
          "admin:OBDInfo",
          "admin:BandwidthMonitor",
          "admin:Prometheus",
        ],
        Resource: ALL,
      },
    ],
  }),
  consoleAdmin: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["admin:*"] },
      { Effect: "Allow", Action: ["kms:*"] },
      { Effect: "Allow", Action: ["s3:*"], Resource: ALL },
    ],
  }),
};
