/**
 * Issue 16's measurement: the browser tests (web-test-runner, test/elements and test/engines) in each engine alone,
 * as `WTR_BROWSERS=<engine> npm run test:browser` runs them: Chromium (Playwright), Firefox (firefox-esr through
 * Puppeteer over WebDriver BiDi) and WebKit (WebKitGTK's MiniBrowser through WebKitWebDriver, under Xvfb). Wall time
 * from spawn to exit (start-up of the test server, the platform and the browser included), one run per engine: each
 * run takes minutes. `npm run bench -- --only browser-engines` prints the section.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ENGINES = ['chromium', 'firefox', 'webkit'] as const;

interface EngineRun {
  engine: string;
  wallMs: number;
  passed: number;
  failed: number;
  failures: string[];
}

function runEngine(engine: string): EngineRun {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', 'node_modules/@web/test-runner/dist/bin.js'], {
    cwd: ROOT,
    env: { ...process.env, WTR_BROWSERS: engine, NO_COLOR: '1', FORCE_COLOR: '0' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = performance.now() - started;
  const out = `${child.stdout}\n${child.stderr}`;
  // The last progress line: "<Browser>: |███| 15/15 test files | 339 passed, 0 failed".
  const counts = [...out.matchAll(/(\d+) passed, (\d+) failed/g)].at(-1);
  const failures = [...new Set([...out.matchAll(/❌ (.+)/g)].map((m) => m[1]!.replace(/\s*\(failed on .*\)$/, '').trim()))].slice(0, 20);
  // A file that cannot load or finish counts no test: its ❌ line is its failure.
  const failed = Math.max(Number(counts?.[2] ?? 0), failures.length, child.status === 0 ? 0 : 1);
  return { engine, wallMs, passed: Number(counts?.[1] ?? 0), failed, failures };
}

export async function runBrowserEngineBenchmarks(): Promise<string> {
  const runs: EngineRun[] = [];
  for (const engine of ENGINES) {
    process.stderr.write(`browser-engines: ${engine}\n`);
    runs.push(runEngine(engine));
  }
  const rows = runs.map((r) => `| ${r.engine} | ${(r.wallMs / 1000).toFixed(1)} s | ${r.passed} | ${r.failed} |`).join('\n');
  const failures = runs
    .filter((r) => r.failures.length > 0)
    .map((r) => `- ${r.engine}: ${r.failures.join('; ')}`)
    .join('\n');
  return `## Browser tests per engine (issue 16)

\`WTR_BROWSERS=<engine> npm run test:browser\`, one run per engine on this machine (${cpus().length} cores, shared),
wall time from spawn to exit: the test server, the platform, the browser's start and every test file. Failed counts a
test file that could not load or finish as one failure.

| engine | wall time | passed | failed |
| --- | ---: | ---: | ---: |
${rows}
${failures ? `\nFailures:\n\n${failures}\n` : ''}`;
}
