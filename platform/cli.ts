import { parseArgs } from 'node:util';
import { CONTROL_SECRET_ENV, CONTROL_SECRET_HEADER, HOST_LIMITS, startPlatform, DEMO_MEMBER, DEMO_OWNER, SECOND_MEMBER } from './index.ts';

const USAGE = `Usage: npm run platform -- [--port N] [--db PATH|:memory:] [--seed demo|none] [--control-secret S] [--json]

  --port N            port to listen on (default 8443; 0 picks a free one)
  --db PATH           SQLite file (default .wix-local/platform.db) or :memory:
  --seed NAME         demo (catalogue, notes, orders; default) or none
  --control-secret S  the secret /_platform/* requests must send in ${CONTROL_SECRET_HEADER} (at least 16
                      characters; default $${CONTROL_SECRET_ENV}, else a random one for each start)
  --json              print { url, siteId, apiKey, clientId, accountId, controlSecret } as one JSON line and nothing else`;

function fail(message: string): never {
  console.error(`wix-local: ${message}\n\n${USAGE}`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      port: { type: 'string', default: '8443' },
      db: { type: 'string' },
      seed: { type: 'string', default: 'demo' },
      json: { type: 'boolean', default: false },
      'control-secret': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }).values;
} catch (error) {
  fail((error as Error).message);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const port = Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, not "${args.port}"`);
if (args.seed !== 'demo' && args.seed !== 'none') fail(`--seed must be demo or none, not "${args.seed}"`);

const controlSecret = args['control-secret'];
if (controlSecret !== undefined && (controlSecret.length < 16 || !/^[\x21-\x7e]+$/.test(controlSecret))) fail('--control-secret must be at least 16 printable characters without spaces');

const platform = await startPlatform({ port, seed: args.seed, ...(args.db ? { db: args.db } : {}), ...(controlSecret ? { controlSecret } : {}) });
const summary = {
  url: platform.url,
  siteId: platform.siteId,
  apiKey: platform.apiKey,
  clientId: platform.clientId,
  accountId: platform.accountId,
  controlSecret: platform.controlSecret,
  ...(platform.secondSiteId ? { secondSiteId: platform.secondSiteId } : {}),
};
if (args.json) {
  console.log(JSON.stringify(summary));
} else {
  console.log(`Local Wix platform on ${platform.url}
  site id     ${platform.siteId}
  account id  ${platform.accountId}
  client id   ${platform.clientId}   (OAuthStrategy / SiteSessionAuth visitor sessions)${platform.secondSiteId ? `\n  second site ${platform.secondSiteId}   (Northwind HQ, same account: wix-site-id)` : ''}
  admin key   ${platform.apiKey}   (Authorization header, with wix-site-id)
  control     ${platform.controlSecret}   (${CONTROL_SECRET_HEADER} header on /_platform/*; JSON bodies only)
  owner       ${DEMO_OWNER.email} / ${DEMO_OWNER.password}${
    args.seed === 'demo'
      ? `\n  members     ${DEMO_MEMBER.email} / ${DEMO_MEMBER.password}, ${SECOND_MEMBER.email} / ${SECOND_MEMBER.password}`
      : ''
  }
Limits: URL ${HOST_LIMITS.maxUrlBytes} B, headers ${HOST_LIMITS.maxHeaderBytes} B / ${HOST_LIMITS.maxHeaderCount} fields, body ${HOST_LIMITS.maxBodyBytes} B, headers within ${HOST_LIMITS.headersTimeoutMs / 1000} s, request within ${HOST_LIMITS.requestTimeoutMs / 1000} s.
The certificate is self-signed (.wix-local/tls/cert.pem). Ctrl+C stops the platform.`);
}

const stop = async () => {
  await platform.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
