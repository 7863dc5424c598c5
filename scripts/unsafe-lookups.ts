/**
 * Finds plain-object lookups whose key may come from a request (issue 10, finding 1: a request key that
 * indexes a plain object can read or write Object.prototype).
 *
 * Flagged, using the TypeScript type checker:
 * - `obj[key]` (read, write, `??=` ...) when `key` is not a literal and `obj` is not an array, tuple, typed
 *   array, Buffer or string;
 * - `key in obj` when `key` is not a literal.
 *
 * Not flagged, because such a key cannot name a prototype member or cannot come from a request as free text:
 * - keys whose type is a string/number literal or a union of literals (the compiler has proved the key is one of
 *   a fixed set the code wrote), `number` keys (no prototype member has a numeric name), symbols;
 * - objects held in a `const` initialised with `Object.create(null)` (no prototype to reach);
 * - `obj[key]` inside the true branch of `Object.hasOwn(obj, key)` (same expressions), and reads of `obj[key]`
 *   where `key` iterates `Object.keys(obj)` of the same `obj` (own keys only);
 * - a lookup on the same line as, or the line below, a `// safe-lookup: <reason>` comment. The reason must say
 *   why the key cannot come from a request, or why the object is a Map-like null-prototype object.
 *
 * `npx tsx scripts/unsafe-lookups.ts` lists every hit (file:line:col, the expression); the build test
 * test/build/unsafe-lookups.test.ts fails on any hit.
 */
import ts from 'typescript';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface UnsafeLookup {
  file: string;
  line: number;
  column: number;
  kind: 'element-access' | 'in';
  text: string;
}

export const ANNOTATION = /\/\/\s*safe-lookup:\s*(\S.{7,})/;
export const SCANNED_DIRS = ['platform', 'velo-backend'] as const;

const TYPED_ARRAYS = new Set([
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'Buffer',
  'ArrayBuffer',
]);

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...listTs(path));
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Literal keys, and keys whose type the compiler has narrowed to a fixed set of literals. */
function isSafeKey(key: ts.Expression, checker: ts.TypeChecker): boolean {
  if (ts.isStringLiteralLike(key) || ts.isNumericLiteral(key)) return true;
  if (ts.isPrefixUnaryExpression(key) && ts.isNumericLiteral(key.operand)) return true;
  if (ts.isPrivateIdentifier(key)) return true;
  const type = checker.getTypeAtLocation(key);
  const parts = type.isUnion() ? type.types : [type];
  return parts.every(
    (t) =>
      (t.flags &
        (ts.TypeFlags.StringLiteral |
          ts.TypeFlags.NumberLiteral |
          ts.TypeFlags.NumberLike |
          ts.TypeFlags.ESSymbolLike |
          ts.TypeFlags.EnumLiteral |
          ts.TypeFlags.BooleanLiteral)) !==
      0,
  );
}

/** Arrays, tuples, typed arrays and strings: their index is an element, never a prototype member by name. */
function isIndexedCollection(type: ts.Type, checker: ts.TypeChecker): boolean {
  const parts = type.isUnion() ? type.types : [type];
  return parts.every((t) => {
    if (t.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.Undefined | ts.TypeFlags.Null)) return true;
    if (checker.isArrayType(t) || checker.isTupleType(t)) return true;
    const name = (t.getSymbol() ?? t.aliasSymbol)?.getName();
    if (name && (TYPED_ARRAYS.has(name) || name === 'ReadonlyArray' || name === 'Array')) return true;
    const base = t.getBaseTypes?.() ?? [];
    return base.length > 0 && base.every((b) => isIndexedCollection(b, checker));
  });
}

const unwrap = (e: ts.Expression): ts.Expression => {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e))
    e = e.expression;
  return e;
};

const isCallOf = (e: ts.Expression, object: string, method: string): e is ts.CallExpression => {
  const call = unwrap(e);
  return (
    ts.isCallExpression(call) &&
    ts.isPropertyAccessExpression(call.expression) &&
    ts.isIdentifier(call.expression.expression) &&
    call.expression.expression.text === object &&
    call.expression.name.text === method
  );
};

/** A `const` whose initialiser is `Object.create(null)`: it has no prototype for a key to reach. */
function isNullPrototypeConst(obj: ts.Expression, checker: ts.TypeChecker): boolean {
  const target = unwrap(obj);
  if (!ts.isIdentifier(target)) return false;
  const decl = checker.getSymbolAtLocation(target)?.valueDeclaration;
  if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer) return false;
  if (!(ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const)) return false;
  const init = unwrap(decl.initializer);
  return isCallOf(init, 'Object', 'create') && init.arguments.length >= 1 && init.arguments[0]!.kind === ts.SyntaxKind.NullKeyword;
}

/** `Object.hasOwn(obj, key) ? obj[key] : ...`, `if (Object.hasOwn(obj, key)) ... obj[key]`, `Object.hasOwn(obj, key) && obj[key]`. */
function isGuardedByHasOwn(node: ts.ElementAccessExpression, source: ts.SourceFile): boolean {
  const objText = unwrap(node.expression).getText(source);
  const keyText = node.argumentExpression.getText(source);
  const guards = (cond: ts.Expression): boolean => {
    const c = unwrap(cond);
    if (ts.isBinaryExpression(c) && c.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) return guards(c.left) || guards(c.right);
    return (
      isCallOf(c, 'Object', 'hasOwn') &&
      c.arguments.length === 2 &&
      unwrap(c.arguments[0]!).getText(source) === objText &&
      c.arguments[1]!.getText(source) === keyText
    );
  };
  let child: ts.Node = node;
  for (let parent = node.parent; parent && !ts.isFunctionLike(parent); child = parent, parent = parent.parent) {
    if (ts.isConditionalExpression(parent) && parent.whenTrue === child && guards(parent.condition)) return true;
    if (ts.isIfStatement(parent) && parent.thenStatement === child && guards(parent.expression)) return true;
    if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken && parent.right === child && guards(parent.left))
      return true;
  }
  return false;
}

/** A read of `obj[key]` where `key` is the loop variable of `for (const key of Object.keys(obj))`. */
function isOwnKeyRead(node: ts.ElementAccessExpression, checker: ts.TypeChecker, source: ts.SourceFile): boolean {
  const parent = node.parent;
  const written =
    (ts.isBinaryExpression(parent) &&
      parent.left === node &&
      parent.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
      parent.operatorToken.kind <= ts.SyntaxKind.LastAssignment) ||
    ts.isPrefixUnaryExpression(parent) ||
    ts.isPostfixUnaryExpression(parent) ||
    ts.isDeleteExpression(parent);
  if (written) return false;
  const key = unwrap(node.argumentExpression);
  if (!ts.isIdentifier(key)) return false;
  const decl = checker.getSymbolAtLocation(key)?.valueDeclaration;
  const list = decl?.parent;
  const loop = list?.parent;
  if (!decl || !list || !loop || !ts.isVariableDeclarationList(list) || !ts.isForOfStatement(loop)) return false;
  return (
    isCallOf(loop.expression, 'Object', 'keys') &&
    (unwrap(loop.expression) as ts.CallExpression).arguments.length === 1 &&
    unwrap((unwrap(loop.expression) as ts.CallExpression).arguments[0]!).getText(source) === unwrap(node.expression).getText(source)
  );
}

function annotated(source: ts.SourceFile, node: ts.Node): boolean {
  const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
  const lines = source.text.split('\n');
  const here = lines[line] ?? '';
  const above = lines[line - 1] ?? '';
  return ANNOTATION.test(here) || ANNOTATION.test(above);
}

export function scanSourceFile(source: ts.SourceFile, checker: ts.TypeChecker, displayName = source.fileName): UnsafeLookup[] {
  const hits: UnsafeLookup[] = [];
  const report = (node: ts.Node, kind: UnsafeLookup['kind']) => {
    if (annotated(source, node)) return;
    const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
    hits.push({ file: displayName, line: line + 1, column: character + 1, kind, text: node.getText(source).replace(/\s+/g, ' ').slice(0, 120) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isElementAccessExpression(node)) {
      const key = node.argumentExpression;
      const safe =
        isSafeKey(key, checker) ||
        isIndexedCollection(checker.getTypeAtLocation(node.expression), checker) ||
        isNullPrototypeConst(node.expression, checker) ||
        isGuardedByHasOwn(node, source) ||
        isOwnKeyRead(node, checker, source);
      if (!safe) report(node, 'element-access');
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.InKeyword) {
      if (!isSafeKey(node.left, checker)) report(node, 'in');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return hits;
}

function compilerOptions(root: string): ts.CompilerOptions {
  const configPath = join(root, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return { ...parsed.options, noEmit: true };
}

/** Scans every .ts file under the given directories (default: the platform and the Velo backend). */
export function scanProject(root = process.cwd(), dirs: readonly string[] = SCANNED_DIRS): UnsafeLookup[] {
  const files = dirs.flatMap((d) => listTs(resolve(root, d)));
  const program = ts.createProgram(files, compilerOptions(root));
  const checker = program.getTypeChecker();
  return files.flatMap((file) => {
    const source = program.getSourceFile(file);
    return source ? scanSourceFile(source, checker, relative(root, file)) : [];
  });
}

/** Scans one in-memory source string (for the checker's own tests). */
export function scanSource(text: string, fileName = 'snippet.ts'): UnsafeLookup[] {
  const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, strict: true, noEmit: true, lib: ['lib.es2023.d.ts'] };
  const host = ts.createCompilerHost(options);
  const original = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, onError, shouldCreate) =>
    name === fileName ? ts.createSourceFile(name, text, languageVersion, true) : original(name, languageVersion, onError, shouldCreate);
  const program = ts.createProgram([fileName], options, host);
  const source = program.getSourceFile(fileName)!;
  return scanSourceFile(source, program.getTypeChecker(), fileName);
}

export const formatHit = (h: UnsafeLookup) => `${h.file}:${h.line}:${h.column} ${h.kind === 'in' ? '`in`' : '[]'} ${h.text}`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const hits = scanProject();
  for (const h of hits) console.log(formatHit(h));
  console.log(`${hits.length} unannotated lookup(s) keyed by non-literal keys`);
  process.exitCode = hits.length ? 1 : 0;
}
