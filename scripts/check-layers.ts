// Architecture guard (DESIGN.md §1): every relative import in src/ must follow an allowed
// layer edge, cross a folder boundary only through that folder's index.ts, and the folder
// graph must stay acyclic. Exits non-zero with one line per violation.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const ROOT = resolve(import.meta.dir, "..");
const SRC = join(ROOT, "src");

/** Which layers each layer may import from. `server` and `config` are the top-level files. */
export const ALLOWED: Record<string, readonly string[]> = {
  server: ["config", "s3", "admin", "service", "object", "ec", "disk", "cluster", "util"],
  config: ["cluster", "util"],
  s3: ["object", "util"],
  admin: ["object", "cluster", "util"],
  object: ["ec", "disk", "cluster", "util"],
  cluster: ["disk", "util"],
  disk: ["util"],
  ec: ["util"],
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

/** The layer a file under src/ belongs to: its top folder, or `server`/`config` for top files (server-*.ts belong to server). */
export function layerOf(file: string): string {
  const rel = relative(SRC, file).split(sep);
  if (rel.length === 1) return rel[0].replace(/\.tsx?$/, "").replace(/^server-.*$/, "server").replace(/^config-.*$/, "config");
  return rel[0];
}

const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

export function importsOf(source: string): string[] {
  const specs: string[] = [];
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  for (const m of code.matchAll(IMPORT_RE)) specs.push(m[1] ?? m[2]);
  return specs;
}

export function check(files = listSources(SRC)): string[] {
  const problems: string[] = [];
  const edges = new Map<string, Set<string>>();
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
  return problems;
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
