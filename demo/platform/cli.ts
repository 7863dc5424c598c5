import { parseArgs } from 'node:util';
import { startPlatform, DEMO_MEMBER, DEMO_OWNER, SECOND_MEMBER } from './index.ts';

const USAGE = `Usage: npm run platform -- [--port N] [--db PATH|:memory:] [--seed demo|none] [--json]

  --port N      port to listen on (default 8443; 0 picks a free one)
  --db PATH     SQLite file (default .wix-local/platform.db) or :memory:
  --seed NAME   demo (catalogue, notes, orders; default) or none
  --json        print { url, siteId, apiKey, clientId, accountId } as one JSON line and nothing else`;

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

const platform = await startPlatform({ port, seed: args.seed, ...(args.db ? { db: args.db } : {}) });
const summary = {
  url: platform.url,
  siteId: platform.siteId,
  apiKey: platform.apiKey,
  clientId: platform.clientId,
  accountId: platform.accountId,
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
  owner       ${DEMO_OWNER.email} / ${DEMO_OWNER.password}${
    args.seed === 'demo'
      ? `\n  members     ${DEMO_MEMBER.email} / ${DEMO_MEMBER.password}, ${SECOND_MEMBER.email} / ${SECOND_MEMBER.password}`
      : ''
  }
The certificate is self-signed (.wix-local/tls/cert.pem). Ctrl+C stops the platform.`);
}

const stop = async () => {
  await platform.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
