// Starts Debian's WebKitWebDriver (package webkit2gtk-driver), which drives MiniBrowser, for web-test-runner's
// WebdriverIO launcher. MiniBrowser is a GTK window: without a DISPLAY an Xvfb server is started first. Both are
// children of this process and end with it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

const DRIVERS = ['/usr/bin/WebKitWebDriver'];
const BROWSERS = [
  '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  '/usr/libexec/webkit2gtk-4.1/MiniBrowser',
];

const children = new Set();
const endChildren = () => {
  for (const child of children) child.kill('SIGTERM');
  children.clear();
};
process.once('exit', endChildren);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    endChildren();
    process.exit(130);
  });
}

/** A TCP port that was free a moment ago. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function start(command, args, env) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    if (stderr.length < 4000) stderr += chunk;
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return { child, stderr: () => stderr };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** An X display: the environment's, or a new Xvfb on the first free display number from 90. */
async function display(viewport) {
  if (process.env.DISPLAY) return process.env.DISPLAY;
  if (!existsSync('/usr/bin/Xvfb')) throw new Error('WebKit needs an X display: apt-get install xvfb (or set DISPLAY)');
  for (let n = 90; n < 110; n++) {
    if (existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)) continue;
    const xvfb = start('/usr/bin/Xvfb', [`:${n}`, '-screen', '0', `${viewport.width + 200}x${viewport.height + 300}x24`, '-nolisten', 'tcp']);
    for (let i = 0; i < 50; i++) {
      if (existsSync(`/tmp/.X11-unix/X${n}`)) return `:${n}`;
      if (xvfb.child.exitCode !== null) break;
      await sleep(100);
    }
    xvfb.child.kill();
  }
  throw new Error('could not start Xvfb on displays :90 to :109');
}

/**
 * Starts WebKitWebDriver on a free port and waits until its /status says ready.
 * @param {{ locale: string, timeZone: string, viewport: { width: number, height: number } }} options
 * @returns {Promise<{ port: number, browser: string }>}
 */
export async function startWebKitDriver({ locale, timeZone, viewport }) {
  const driver = process.env.WEBKIT_DRIVER_PATH ?? DRIVERS.find((p) => existsSync(p));
  const browser = process.env.WEBKIT_BROWSER_PATH ?? BROWSERS.find((p) => existsSync(p));
  if (!driver || !browser) throw new Error('WTR_BROWSERS includes webkit but WebKitWebDriver or MiniBrowser was not found (apt-get install webkit2gtk-driver)');
  const env = {
    ...process.env,
    DISPLAY: await display(viewport),
    TZ: timeZone,
    // WebKitGTK takes navigator.language from GLib's language list, which reads LANG even where the locale is not
    // installed (Debian's minimal images have only C.UTF-8); LC_ALL would override it.
    LANG: `${locale.replace('-', '_')}.UTF-8`,
    LC_ALL: '',
    LC_MESSAGES: '',
    // No GPU, no sandbox helpers here: software rendering.
    WEBKIT_DISABLE_COMPOSITING_MODE: '1',
    LIBGL_ALWAYS_SOFTWARE: '1',
  };
  const port = await freePort();
  const server = start(driver, [`--port=${port}`, '--host=127.0.0.1'], env);
  for (let i = 0; i < 100; i++) {
    if (server.child.exitCode !== null) break;
    try {
      const r = await fetch(`http://127.0.0.1:${port}/status`);
      if (r.ok) return { port, browser };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  server.child.kill();
  throw new Error(`WebKitWebDriver did not start: ${server.stderr()}`);
}
