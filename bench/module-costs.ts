/**
 * A source-map-explorer style report for one built bundle: how many bytes of the minified output each source module
 * accounts for, read from the bundle's source map (every generated segment's bytes go to the source it maps to; bytes
 * no mapping covers, such as the bundler's glue, go to `(unmapped)`). Modules from node_modules are grouped by
 * package, the repository's own by path. gzip does not split by module, so two estimates: `gzipShare` is the module's
 * share of the raw bytes applied to the bundle's gzip size, and `gzipMarginal` what the gzip size drops by when the
 * module's bytes are cut out of the bundle (text that repeats elsewhere in the bundle costs little).
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface ModuleCost {
  module: string;
  raw: number;
  /** raw / total raw × the bundle's gzip size. */
  gzipShare: number;
  /** What gzip saves when this module's bytes are left out of the bundle (what the module really costs on the wire). */
  gzipMarginal: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes a source map's `mappings` into, per generated line, its segments as [column, source index | -1]. */
export function decodeMappings(mappings: string): [number, number][][] {
  const lines: [number, number][][] = [];
  let source = 0;
  for (const line of mappings.split(';')) {
    const segments: [number, number][] = [];
    let column = 0;
    for (const segment of line.split(',')) {
      if (!segment) continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        if (digit < 0) throw new Error(`bad source map character ${JSON.stringify(char)}`);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += fields[0]!;
      if (fields.length >= 4) source += fields[1]!;
      segments.push([column, fields.length >= 4 ? source : -1]);
    }
    lines.push(segments);
  }
  return lines;
}

/** The module a source path belongs to: a package name for node_modules, else the path relative to `root`. */
export function moduleOf(sourcePath: string, root: string): string {
  const pkg = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(sourcePath)?.[1];
  return pkg ? pkg.replace(/\\/g, '/') : relative(root, sourcePath).replace(/\\/g, '/');
}

/** The byte cost of each module in `file` (which has `file.map` beside it), largest first. */
export function moduleCosts(file: string, root = process.cwd()): ModuleCost[] {
  const code = readFileSync(file, 'utf8');
  const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[]; sourceRoot?: string; mappings: string };
  const modules = map.sources.map((s) => moduleOf(resolve(dirname(file), map.sourceRoot ?? '', s), root));
  // Per module, the character ranges of the bundle it owns.
  const ranges = new Map<string, [number, number][]>();
  const add = (module: string, from: number, to: number) => {
    if (to <= from) return;
    const list = ranges.get(module) ?? [];
    const last = list.at(-1);
    if (last && last[1] === from) last[1] = to;
    else list.push([from, to]);
    ranges.set(module, list);
  };
  const lines = code.split('\n');
  const mapped = decodeMappings(map.mappings);
  let lineStart = 0;
  lines.forEach((text, i) => {
    let at = 0;
    let owner = '(unmapped)';
    for (const [column, source] of mapped[i] ?? []) {
      add(owner, lineStart + at, lineStart + column);
      at = column;
      owner = source >= 0 ? (modules[source] ?? '(unmapped)') : '(unmapped)';
    }
    add(owner, lineStart + at, lineStart + text.length + (i < lines.length - 1 ? 1 : 0));
    lineStart += text.length + 1;
  });
  const total = Buffer.byteLength(code);
  const gzip = gzipSync(code, { level: 9 }).length;
  return [...ranges]
    .map(([module, owned]) => {
      const raw = owned.reduce((n, [from, to]) => n + Buffer.byteLength(code.slice(from, to)), 0);
      let rest = '';
      let at = 0;
      for (const [from, to] of owned) {
        rest += code.slice(at, from);
        at = to;
      }
      rest += code.slice(at);
      return { module, raw, gzipShare: Math.round((raw / total) * gzip), gzipMarginal: gzip - gzipSync(rest, { level: 9 }).length };
    })
    .sort((a, b) => b.raw - a.raw);
}
