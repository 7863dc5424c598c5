/**
 * Small helpers for the benchmark: timing loops, percentiles, the machine description, progress output.
 * No dependencies beyond Node.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';

/** Progress goes to stderr so stdout stays clean. */
export function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array: the smallest sample with at least p% of samples at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

export interface LoopOptions {
  /** Unmeasured runs first (JIT, statement cache, page cache). */
  warmup: number;
  /** Most measured runs. */
  maxIterations: number;
  /** Fewest measured runs, even when slow. */
  minIterations: number;
  /** Wall-clock budget for the measured runs; slow cases get fewer runs (never below minIterations). */
  budgetMs: number;
}

export const DEFAULT_LOOP: LoopOptions = { warmup: 20, maxIterations: 200, minIterations: 30, budgetMs: 4_000 };

/**
 * Runs `fn` sequentially: warm-up runs, then as many measured runs as fit in the budget
 * (estimated from the warm-up median). `beforeMeasured` is called once, between warm-up and measuring.
 */
export async function timeLoop(fn: () => unknown, options: LoopOptions = DEFAULT_LOOP, beforeMeasured?: () => void): Promise<number[]> {
  const warm: number[] = [];
  for (let i = 0; i < options.warmup; i++) {
    const t0 = performance.now();
    await fn();
    warm.push(performance.now() - t0);
  }
  const estimate = Math.max(
    percentile(
      [...warm].sort((a, b) => a - b),
      50,
    ),
    0.001,
  );
  const iterations = Math.max(options.minIterations, Math.min(options.maxIterations, Math.floor(options.budgetMs / estimate)));
  beforeMeasured?.();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return samples;
}

/**
 * Like timeLoop for two functions, called alternately (a, b, a, b, ...) so both see the same machine conditions
 * (a noisy neighbour or a frequency change hits both). The budget covers both. Returns [samplesA, samplesB].
 */
export async function timePairLoop(
  a: () => unknown,
  b: () => unknown,
  options: LoopOptions = DEFAULT_LOOP,
  beforeMeasured?: () => void,
): Promise<[number[], number[]]> {
  const warmA: number[] = [];
  const warmB: number[] = [];
  const once = async (fn: () => unknown, into: number[]) => {
    const t0 = performance.now();
    await fn();
    into.push(performance.now() - t0);
  };
  for (let i = 0; i < options.warmup; i++) {
    await once(a, warmA);
    await once(b, warmB);
  }
  const median = (xs: number[]) =>
    percentile(
      [...xs].sort((x, y) => x - y),
      50,
    );
  const estimate = Math.max(median(warmA) + median(warmB), 0.001);
  const iterations = Math.max(options.minIterations, Math.min(options.maxIterations, Math.floor((2 * options.budgetMs) / estimate)));
  beforeMeasured?.();
  const samplesA: number[] = [];
  const samplesB: number[] = [];
  for (let i = 0; i < iterations; i++) {
    await once(a, samplesA);
    await once(b, samplesB);
  }
  return [samplesA, samplesB];
}

export interface Machine {
  cpuModel: string;
  cpuCount: number;
  totalMemoryGiB: number;
  os: string;
  node: string;
  sqlite: string;
  betterSqlite3: string;
  commit: string;
}

function packageVersion(name: string): string {
  try {
    const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function gitCommit(): string {
  try {
    const cwd = new URL('..', import.meta.url).pathname;
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    return 'unknown';
  }
}

export function describeMachine(sqliteVersion: string): Machine {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpuCount: list.length,
    totalMemoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    sqlite: sqliteVersion,
    betterSqlite3: packageVersion('better-sqlite3'),
    commit: gitCommit(),
  };
}

/** Milliseconds with a precision that suits the magnitude. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function ratio(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return 'n/a';
  const r = a / b;
  return `${r >= 10 ? r.toFixed(0) : r.toFixed(1)}×`;
}

/** Items per second, rounded to three significant figures. */
export function rate(items: number, elapsedMs: number): number {
  const perSecond = (items / elapsedMs) * 1000;
  return Number(perSecond.toPrecision(3));
}

export function thousands(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/**
 * The exponent k in time ∝ N^k between two sizes: ~0 means flat, ~1 means linear in the collection size.
 */
export function growthExponent(tSmall: number, tLarge: number, nSmall: number, nLarge: number): number {
  return Math.log(tLarge / tSmall) / Math.log(nLarge / nSmall);
}

/**
 * An untimed, idempotent SDK call that survives one ECONNRESET: the server drops keep-alive sockets idle for 5 s, and
 * a client whose event loop was busy (building 100k items, long in-process loops) only notices when it next writes to one.
 */
export async function untimed<T>(call: () => Promise<T>, label = 'bench'): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const text = `${(error as { code?: string }).code ?? ''} ${(error as Error).message ?? ''}`;
    if (!text.includes('ECONNRESET')) throw error;
    progress(`${label}: connection reset after an idle period; retrying once (untimed call)`);
    return call();
  }
}
