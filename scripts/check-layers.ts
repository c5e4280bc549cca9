// Architecture guard (DESIGN.md §1): every relative import in src/ must follow an allowed
// layer edge, cross a folder boundary only through that folder's index.ts, and neither the
// folder graph nor the file graph may have a cycle. Exits non-zero with one line per violation.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const ROOT = resolve(import.meta.dir, "..");
const SRC = join(ROOT, "src");

/** Which layers each layer may import from (DESIGN.md §1); `server` is the top-level files. */
export const ALLOWED: Record<string, readonly string[]> = {
  server: ["config", "s3", "admin", "service", "iam", "crypto", "compress", "object", "ec", "disk", "cluster", "util"],
  config: ["util"],
  s3: ["iam", "crypto", "compress", "object", "util"],
  admin: ["iam", "crypto", "object", "cluster", "util"],
  iam: ["object", "crypto", "util"],
  crypto: ["util"],
  object: ["ec", "disk", "util"],
  cluster: ["object", "disk", "util"],
  disk: ["util"],
  ec: ["util"],
  // S2 compression (klauspost/compress/s2 streams and indexes); a pure library.
  compress: ["util"],
  util: [],
  // Running under an OS service manager (Windows SCM); only server.ts may import it.
  service: ["util"],
};

function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listSources(p));
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !/\.cases\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

/** The layer a file under src/ belongs to: its top folder, or `server` for top files (server-*.ts belong to server). */
export function layerOf(file: string): string {
  const rel = relative(SRC, file).split(sep);
  if (rel.length === 1) return rel[0].replace(/\.tsx?$/, "").replace(/^server-.*$/, "server");
  return rel[0];
}

const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

export function importsOf(source: string): string[] {
  const specs: string[] = [];
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  for (const m of code.matchAll(IMPORT_RE)) specs.push(m[1] ?? m[2]);
  return specs;
}

/** An S3 handler file importing another: shared request helpers belong in an s3/ module instead. */
export function isSidewaysHandlerImport(from: string, to: string): boolean {
  const dir = ["s3", "handlers", ""].join(sep);
  return from.startsWith(dir) && to.startsWith(dir) && from !== to;
}

/** The source file an import specifier names: as written, with ".ts" added, or the folder's index.ts. */
function resolveFile(target: string): string {
  if (/\.tsx?$/.test(target)) return target;
  if (existsSync(target + ".ts")) return target + ".ts";
  if (existsSync(join(target, "index.ts"))) return join(target, "index.ts");
  return target + ".ts";
}

export function check(files = listSources(SRC)): string[] {
  const problems: string[] = [];
  const edges = new Map<string, Set<string>>();
  // Type-only imports count: a cycle of types still ties the files into one unit.
  const fileEdges = new Map<string, Set<string>>();
  const sources = new Set(files);
  for (const file of files) {
    const from = layerOf(file);
    if (!(from in ALLOWED)) {
      problems.push(`${relative(ROOT, file)}: unknown layer "${from}" (add it to scripts/check-layers.ts and DESIGN.md)`);
      continue;
    }
    for (const spec of importsOf(readFileSync(file, "utf8"))) {
      if (!spec.startsWith(".")) continue;
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(SRC + sep)) {
        problems.push(`${relative(ROOT, file)}: imports "${spec}" from outside src/`);
        continue;
      }
      const targetFile = resolveFile(target);
      if (isSidewaysHandlerImport(relative(SRC, file), relative(SRC, targetFile))) {
        problems.push(`${relative(ROOT, file)}: imports "${spec}"; handlers share helpers through an s3/ module, not each other`);
      }
      if (sources.has(targetFile)) {
        if (!fileEdges.has(file)) fileEdges.set(file, new Set());
        fileEdges.get(file)!.add(targetFile);
      }
      const to = layerOf(target.endsWith(".ts") ? target : target + ".ts");
      if (to === from) continue;
      if (!ALLOWED[from].includes(to)) {
        problems.push(`${relative(ROOT, file)}: layer "${from}" may not import "${to}" ("${spec}")`);
      }
      const relTarget = relative(SRC, target).split(sep);
      const viaIndex = relTarget.length === 1 || (relTarget.length === 2 && /^index(\.ts)?$/.test(relTarget[1]));
      if (!viaIndex) problems.push(`${relative(ROOT, file)}: imports "${spec}"; import from "${relTarget[0]}/index.ts" instead`);
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  const cycle = findCycle(edges);
  if (cycle) problems.push(`layer cycle: ${cycle.join(" → ")}`);
  for (const c of findFileCycles(fileEdges)) problems.push(`file cycle: ${c.map((f) => relative(ROOT, f)).join(" → ")}`);
  return problems;
}

/**
 * One cycle per strongly connected component of the file graph that has more than one file (or
 * a file importing itself), each as a path that starts and ends at the same node. Tarjan's SCC,
 * then a breadth-first search inside the component for the shortest way back to its first node.
 */
export function findFileCycles(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  const strongConnect = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || edges.get(v)?.has(v)) components.push(component);
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) strongConnect(v);
  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0];
    const cameFrom = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const v = queue.shift()!;
      for (const w of edges.get(v) ?? []) {
        if (!members.has(w)) continue;
        if (w === start) {
          const path = [v];
          while (path[0] !== start) path.unshift(cameFrom.get(path[0])!);
          return [...path, start];
        }
        if (!cameFrom.has(w)) {
          cameFrom.set(w, v);
          queue.push(w);
        }
      }
    }
    return [start, start];
  });
}

function findCycle(edges: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === "done") return null;
    if (state.get(n) === "open") return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, "open");
    stack.push(n);
    for (const m of edges.get(n) ?? []) {
      const c = visit(m);
      if (c) return c;
    }
    stack.pop();
    state.set(n, "done");
    return null;
  };
  for (const n of edges.keys()) {
    const c = visit(n);
    if (c) return c;
  }
  return null;
}

if (import.meta.main) {
  const problems = check();
  for (const p of problems) console.error(p);
  console.log(problems.length === 0 ? "layers: ok" : `layers: ${problems.length} violation(s)`);
  process.exit(problems.length === 0 ? 0 : 1);
}
