// Type of `import path from "./x.wasm" with { type: "file" }`: Bun gives the file's path
// (a real path under `bun run`, an embedded /$bunfs path inside a compiled binary).
declare module "*.wasm" {
  const path: string;
  export default path;
}
