import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CONTROL_SECRET_ENV, CONTROL_SECRET_HEADER, DEFAULT_OWNER, HOST_LIMITS, startPlatform, type Seed } from './index.ts';
import { fixtureSeed, loadFixtures } from './testing/fixtures.ts';

/**
 * The demo's seed ships with the repository, not with the package: `--seed demo` is an alias for this module, and
 * the default when it exists. Found by URL at run time, so the platform never imports the demo.
 */
const DEMO_SEED = fileURLToPath(new URL('../demo/seed/index.ts', import.meta.url));
const DEMO_AVAILABLE = existsSync(DEMO_SEED);

const USAGE = `Usage: wix-local [options]                  (in this repository: npm run platform -- [options])
       wix-local --ci [options] [-- COMMAND [ARGS...]]

Starts the local Wix platform on HTTPS (self-signed certificate in .wix-local/tls/).

Options:
  --port N            port to listen on, 0..65535 (default 8443; 0 picks a free one)
  --host ADDRESS      interface to bind (default 127.0.0.1, loopback only)
  --db PATH           SQLite file (default .wix-local/platform.db, kept across restarts) or :memory:
  --data-dir DIR      where the certificate, the default database and secrets.json live (default .wix-local)
  --seed SEED         what to put in the database besides the site, its owner and the admin key:
                        none         nothing
                        demo         the Northwind demo (catalogue, notes, orders, members, the demo backend's
                                     keys and secrets, an OAuth app, a second site); only in the repository${DEMO_AVAILABLE ? '' : ' (not here)'}
                        PATH         a module whose default export (or export named "seed") is a seed function
                                     (api: SeedApi) => void, run at every start; see SeedApi in the platform's
                                     index for what it may do
                      (default ${DEMO_AVAILABLE ? 'demo' : 'none'})
  --backend DIR       the site's backend folder (a Wix site repository's src/backend, anywhere): its .web.js /
                      .web.ts web modules, http-functions.js and data.js hooks run as on Wix, importing the
                      Velo modules (wix-data, wix-web-module, @wix/essentials …) by name, with no setup
                      (default velo-backend in the working directory)
  --control-secret S  the secret /_platform/* requests must send in ${CONTROL_SECRET_HEADER} (at least 16
                      printable characters; default $${CONTROL_SECRET_ENV}, else a random one for each start)
  --fixtures PATH     a JSON fixture file or folder of the testing kit (collections with fields, permissions and
                      items, members with roles, secrets, API keys), validated before anything is written; seeded
                      after --seed
  --json              print { ready, url, siteId, apiKey, clientId, accountId, controlSecret, sites } as one JSON
                      line and nothing else
  --ci                for CI and scripts: implies --json (the readiness line is the first line on stdout), the
                      database defaults to :memory:, nothing is read from stdin and no TTY is needed; errors go
                      to stderr. With "-- COMMAND ARGS", COMMAND runs once the platform is ready, with
                      WIX_LOCAL_URL, WIX_LOCAL_SITE_ID, WIX_LOCAL_API_KEY, WIX_LOCAL_CLIENT_ID and
                      ${CONTROL_SECRET_ENV} in its environment (and NODE_EXTRA_CA_CERTS naming the platform's
                      certificate, unless already set); the platform stops when it exits
  --timeout SECONDS   with --ci: stop after this long (1..86400) and exit 124
  -h, --help          print this help and exit

Exit codes: 0 after Ctrl+C or SIGTERM (or when COMMAND succeeded), 1 if the platform cannot start, 2 on a bad
flag or invalid fixtures, COMMAND's own exit code (128 + signal number when a signal ended it), 124 when
--timeout ran out, 127 when COMMAND cannot be started.`;

function fail(message: string): never {
  console.error(`wix-local: ${message}\n\n${USAGE}`);
  process.exit(2);
}

// Everything after the first "--" is the command of --ci mode, never a flag of ours.
const argv = process.argv.slice(2);
const separator = argv.indexOf('--');
const ownArgs = separator === -1 ? argv : argv.slice(0, separator);
const command = separator === -1 ? [] : argv.slice(separator + 1);

let args;
try {
  args = parseArgs({
    args: ownArgs,
    options: {
      port: { type: 'string', default: '8443' },
      host: { type: 'string' },
      db: { type: 'string' },
      'data-dir': { type: 'string' },
      seed: { type: 'string', default: DEMO_AVAILABLE ? 'demo' : 'none' },
      json: { type: 'boolean', default: false },
      'control-secret': { type: 'string' },
      backend: { type: 'string' },
      fixtures: { type: 'string' },
      ci: { type: 'boolean', default: false },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  }).values;
} catch (error) {
  fail((error as Error).message);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const ci = args.ci;
if (command.length && !ci) fail('a command after "--" needs --ci');
if (separator !== -1 && !command.length) fail('"--" must be followed by a command');
if (args.timeout !== undefined && !ci) fail('--timeout needs --ci');
const timeoutSeconds = args.timeout === undefined ? undefined : Number(args.timeout);
if (timeoutSeconds !== undefined && (!/^\d+$/.test(args.timeout!) || timeoutSeconds < 1 || timeoutSeconds > 86_400))
  fail(`--timeout must be 1..86400 seconds, not "${args.timeout}"`);
const json = args.json || ci;
const port = Number(args.port);
if (!/^\d+$/.test(args.port) || !Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, not "${args.port}"`);
if (args.host !== undefined && !/^[A-Za-z0-9.:[\]-]{1,253}$/.test(args.host)) fail(`--host must be an address or a host name, not "${args.host}"`);

const backendDir = args.backend === undefined ? undefined : resolve(args.backend);
if (backendDir !== undefined && !(existsSync(backendDir) && statSync(backendDir).isDirectory()))
  fail(`--backend must be a folder; "${args.backend}" is not one`);

const controlSecret = args['control-secret'];
if (controlSecret !== undefined && (controlSecret.length < 16 || !/^[\x21-\x7e]+$/.test(controlSecret)))
  fail('--control-secret must be at least 16 printable characters without spaces');

/** What the CLI prints of the demo seed's accounts (read from the module, never imported statically). */
interface DemoNames {
  DEMO_SITE_NAME: string;
  DEMO_MEMBER: { email: string; password: string };
  SECOND_MEMBER: { email: string; password: string };
}

/** `none`, `demo` or a module path → the seed to run and its module (exit 2 when it is none of these). */
async function loadSeed(name: string): Promise<{ seed: Seed | 'none'; module?: Record<string, unknown> }> {
  if (name === 'none') return { seed: 'none' };
  if (name === 'demo' && !DEMO_AVAILABLE)
    fail('--seed demo: the demo seed ships with the repository only; use --seed none or the path of your own seed module');
  const path = name === 'demo' ? DEMO_SEED : resolve(name);
  if (!existsSync(path)) fail(`--seed must be demo or none, or the path of a seed module; "${name}" is neither`);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    fail(`--seed ${name}: the module does not load: ${(error as Error).message}`);
  }
  const seed = name === 'demo' ? module['demoSeed'] : (module['default'] ?? module['seed']);
  if (typeof seed !== 'function') fail(`--seed ${name}: the module has no default export (or export named "seed") that is a function`);
  return { seed: seed as Seed, module };
}

const { seed, module: seedModule } = await loadSeed(args.seed);
let fixturesSeed: Seed | undefined;
if (args.fixtures !== undefined) {
  try {
    fixturesSeed = fixtureSeed(loadFixtures(args.fixtures));
  } catch (error) {
    fail(`--fixtures: ${(error as Error).message}`);
  }
}
const seeds: Seed[] = [...(seed === 'none' ? [] : [seed]), ...(fixturesSeed ? [fixturesSeed] : [])];
const demo = args.seed === 'demo' ? (seedModule as unknown as DemoNames) : undefined;

let platform;
try {
  platform = await startPlatform({
    port,
    seed: seeds.length ? seeds : 'none',
    ...(args.host ? { host: args.host } : {}),
    ...(args.db ? { db: args.db } : ci ? { db: ':memory:' } : {}),
    ...(args['data-dir'] ? { dataDir: args['data-dir'] } : {}),
    ...(controlSecret ? { controlSecret } : {}),
    ...(backendDir ? { velo: { backendDir } } : {}),
    ...(demo ? { siteName: demo.DEMO_SITE_NAME } : {}),
  });
} catch (error) {
  console.error(`wix-local: the platform did not start: ${(error as Error).message}`);
  process.exit(1);
}
const sites = Object.fromEntries([...platform.sites].map(([key, site]) => [key, site.id]));
const secondSiteId = platform.sites.get('site2')?.id;
const summary = {
  ready: true,
  url: platform.url,
  siteId: platform.siteId,
  apiKey: platform.apiKey,
  clientId: platform.clientId,
  accountId: platform.accountId,
  controlSecret: platform.controlSecret,
  // The dashboard signs in with the secret in the fragment (never sent to the server in the URL) and wipes it.
  dashboard: `${platform.dashboardUrl}/#secret=${platform.controlSecret}`,
  sites,
  // The demo's second site under its earlier name, for scripts that read it.
  ...(secondSiteId ? { secondSiteId } : {}),
};
if (json) {
  console.log(JSON.stringify(summary));
} else {
  const siteLines = [...platform.sites.values()].map((site) => `\n  site        ${site.id}   (${site.name}, same account: wix-site-id)`).join('');
  console.log(`Local Wix platform on ${platform.url}
  site id     ${platform.siteId}
  account id  ${platform.accountId}
  client id   ${platform.clientId}   (OAuthStrategy / SiteSessionAuth visitor sessions)${siteLines}
  admin key   ${platform.apiKey}   (Authorization header, with wix-site-id)
  control     ${platform.controlSecret}   (${CONTROL_SECRET_HEADER} header on /_platform/*; JSON bodies only)
  dashboard   ${platform.dashboardUrl}/#secret=${platform.controlSecret}   (its own origin: data, members, keys, apps, secrets, usage, requests, faults)
  backend     ${backendDir ?? resolve('velo-backend')}   (web methods, HTTP functions, data.js hooks)
  owner       ${DEFAULT_OWNER.email} / ${DEFAULT_OWNER.password}${
    demo ? `\n  members     ${demo.DEMO_MEMBER.email} / ${demo.DEMO_MEMBER.password}, ${demo.SECOND_MEMBER.email} / ${demo.SECOND_MEMBER.password}` : ''
  }
Limits: URL ${HOST_LIMITS.maxUrlBytes} B, headers ${HOST_LIMITS.maxHeaderBytes} B / ${HOST_LIMITS.maxHeaderCount} fields, body ${HOST_LIMITS.maxBodyBytes} B, headers within ${HOST_LIMITS.headersTimeoutMs / 1000} s, request within ${HOST_LIMITS.requestTimeoutMs / 1000} s.
The certificate is self-signed (${args['data-dir'] ?? '.wix-local'}/tls/cert.pem). Ctrl+C stops the platform.`);
}

let stopping = false;
const stop = async (code = 0) => {
  if (stopping) return;
  stopping = true;
  await platform.close();
  process.exit(code);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

if (timeoutSeconds !== undefined) {
  setTimeout(() => {
    console.error(`wix-local: --timeout ${timeoutSeconds} s ran out; stopping.`);
    void stop(124);
  }, timeoutSeconds * 1000).unref();
}

const caFile = resolve(args['data-dir'] ?? '.wix-local', 'tls', 'cert.pem');
if (command.length) {
  const [file, ...rest] = command as [string, ...string[]];
  const child = spawn(file, rest, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      WIX_LOCAL_URL: platform.url,
      WIX_LOCAL_SITE_ID: platform.siteId,
      WIX_LOCAL_API_KEY: platform.apiKey,
      WIX_LOCAL_CLIENT_ID: platform.clientId,
      [CONTROL_SECRET_ENV]: platform.controlSecret,
      // Node commands trust the platform's self-signed certificate (unless the caller chose their own CA file).
      ...(!process.env['NODE_EXTRA_CA_CERTS'] && existsSync(caFile) ? { NODE_EXTRA_CA_CERTS: caFile } : {}),
    },
  });
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  // A signal for wix-local goes to the command first; wix-local stops when the command has.
  for (const signal of signals) {
    process.removeAllListeners(signal);
    process.on(signal, () => child.kill(signal));
  }
  child.on('error', (error) => {
    console.error(`wix-local: the command "${file}" did not start: ${error.message}`);
    void stop(127);
  });
  child.on('exit', (code, signal) => {
    const { signals: numbers } = os.constants;
    void stop(code ?? (signal ? 128 + (numbers[signal] ?? 0) : 1));
  });
}
