// Lists exports of src/ that no other file imports (`bun scripts/unused-exports.ts`), using the
// TypeScript checker so re-export chains through index.ts resolve to the declaration. Lists:
// dead (used nowhere, not even in its own file), used only inside its own file (the `export`
// is noise), used only by tests, and index.ts re-exports nobody imports through that index.
// Exits 1 when any list but "only tests" is non-empty.
import ts from "typescript";
import { join, relative } from "node:path";

const ROOT = join(import.meta.dir, "..");
const SRC = join(ROOT, "src") + "/";
const rel = (f: string) => relative(ROOT, f);
const isTest = (f: string) => /\.(test|cases)\.ts$/.test(f) || rel(f).startsWith("test/");

const parsed = ts.getParsedCommandLineOfConfigFile(join(ROOT, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
const program = ts.createProgram(parsed.fileNames, parsed.options);
const checker = program.getTypeChecker();
const files = program.getSourceFiles().filter((f) => f.fileName.startsWith(ROOT + "/") && !f.fileName.includes("/node_modules/"));

/** Declaration symbol → files that import it (directly or through re-exports). */
const users = new Map<ts.Symbol, Set<string>>();
/** "file#name" imported from that very module file. */
const importedFrom = new Set<string>();
/** Re-exports: module file → [exporting file, name there, name in module ("*" = all)]. */
const reexports = new Map<string, [string, string, string][]>();

const original = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
const use = (s: ts.Symbol, file: string) => {
  const o = original(s);
  if (!users.has(o)) users.set(o, new Set());
  users.get(o)!.add(file);
};
const moduleOf = (spec: ts.Expression) => {
  const m = checker.getSymbolAtLocation(spec);
  return m?.declarations?.[0] ? { sym: m, file: m.declarations[0].getSourceFile().fileName } : null;
};
const useAll = (mod: { sym: ts.Symbol; file: string }, file: string) => {
  for (const e of checker.getExportsOfModule(mod.sym)) {
    use(e, file);
    importedFrom.add(`${mod.file}#${e.name}`);
  }
};

for (const sf of files) {
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const mod = moduleOf(node.moduleSpecifier);
      const clause = node.importClause;
      if (mod && clause?.namedBindings && ts.isNamespaceImport(clause.namedBindings)) useAll(mod, sf.fileName);
      else if (mod && clause?.namedBindings && ts.isNamedImports(clause.namedBindings)) {
        for (const el of clause.namedBindings.elements) {
          const s = checker.getSymbolAtLocation(el.name);
          if (s) use(s, sf.fileName);
          importedFrom.add(`${mod.file}#${(el.propertyName ?? el.name).text}`);
        }
      }
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const mod = moduleOf(node.moduleSpecifier);
      if (mod) {
        const list = reexports.get(mod.file) ?? [];
        if (!node.exportClause) list.push([sf.fileName, "*", "*"]);
        else if (ts.isNamedExports(node.exportClause))
          for (const el of node.exportClause.elements) list.push([sf.fileName, el.name.text, (el.propertyName ?? el.name).text]);
        reexports.set(mod.file, list);
      }
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0]) {
      const mod = moduleOf(node.arguments[0]);
      if (mod) useAll(mod, sf.fileName);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

/** True when `name` exported by `file` is imported from it, or from a file re-exporting it that is. */
function importedVia(file: string, name: string, seen = new Set<string>()): boolean {
  const key = `${file}#${name}`;
  if (importedFrom.has(key)) return true;
  if (seen.has(key)) return false;
  seen.add(key);
  return (reexports.get(file) ?? []).some(([by, as, from]) => (from === "*" ? importedVia(by, name, seen) : from === name && importedVia(by, as, seen)));
}

/** References to each symbol inside `sf` other than its declarations' names. */
function localUses(sf: ts.SourceFile): Map<ts.Symbol, number> {
  const counts = new Map<ts.Symbol, number>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) {
      const parent = node.parent as ts.Node & { name?: ts.Node };
      const isDeclName =
        parent &&
        parent.name === node &&
        (ts.isFunctionDeclaration(parent) ||
          ts.isClassDeclaration(parent) ||
          ts.isVariableDeclaration(parent) ||
          ts.isInterfaceDeclaration(parent) ||
          ts.isTypeAliasDeclaration(parent) ||
          ts.isEnumDeclaration(parent));
      const s = checker.getSymbolAtLocation(node);
      if (s && !isDeclName) counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return counts;
}

const dead: string[] = [];
const unused: string[] = [];
const testsOnly: string[] = [];
const idleReexports: string[] = [];
for (const sf of files) {
  if (!sf.fileName.startsWith(SRC) || isTest(sf.fileName)) continue;
  const mod = checker.getSymbolAtLocation(sf);
  if (!mod) continue;
  const here = localUses(sf);
  const own = new Set((reexports.size ? [...reexports.values()].flat() : []).filter(([by]) => by === sf.fileName).map(([, as]) => as));
  for (const e of checker.getExportsOfModule(mod)) {
    const where = `${rel(sf.fileName)}: ${e.name}`;
    const isReexport = own.has(e.name) || original(e).declarations?.[0]?.getSourceFile() !== sf;
    if (isReexport) {
      if (!importedVia(sf.fileName, e.name)) idleReexports.push(where);
      continue;
    }
    const by = [...(users.get(original(e)) ?? [])].filter((f) => f !== sf.fileName);
    if (by.length === 0) ((here.get(e) ?? 0) > 0 ? unused : dead).push(where);
    else if (by.every(isTest)) testsOnly.push(`${where}  (${by.map(rel).join(", ")})`);
  }
}

const show = (title: string, list: string[]) => console.log(`${title} (${list.length}):${list.map((l) => `\n  ${l}`).join("")}`);
show("dead exports (used nowhere)", dead);
show("exports used only inside their own file", unused);
show("exports only tests import", testsOnly);
show("index.ts re-exports nobody imports through the index", idleReexports);
process.exit(dead.length + unused.length + idleReexports.length === 0 ? 0 : 1);
