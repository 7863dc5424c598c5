import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import selfsigned from 'selfsigned';

export interface TlsMaterial {
  cert: string;
  key: string;
}

/** Loopback names only: routed wixapis.com requests connect with servername 'localhost'; the dashboard has its own host. */
const ALT_NAMES: { type: 2 | 7; value?: string; ip?: string }[] = [
  { type: 2, value: 'localhost' },
  { type: 2, value: 'dashboard.localhost' },
  { type: 7, ip: '127.0.0.1' },
  { type: 7, ip: '::1' },
];

/**
 * Loads the self-signed certificate from `<dir>/tls`, making one on first run (valid two years).
 * The directory is git-ignored; the key never leaves the machine.
 */
export async function ensureTls(dir: string): Promise<TlsMaterial> {
  const tlsDir = join(dir, 'tls');
  const certPath = join(tlsDir, 'cert.pem');
  const keyPath = join(tlsDir, 'key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath, 'utf8');
    const x509 = new X509Certificate(cert);
    const validTo = Date.parse(x509.validTo);
    // A certificate from before the dashboard had its own host lacks that name: made again.
    const names = x509.subjectAltName ?? '';
    const complete = ALT_NAMES.every((n) => n.type !== 2 || names.split(', ').includes(`DNS:${n.value}`));
    if (complete && validTo - Date.now() > 7 * 24 * 3600 * 1000) return { cert, key: readFileSync(keyPath, 'utf8') };
  }
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 2 * 365 * 24 * 3600 * 1000);
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'wix-session-elements local platform' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: ALT_NAMES },
    ],
  });
  mkdirSync(tlsDir, { recursive: true });
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  writeFileSync(certPath, pems.cert);
  return { cert: pems.cert, key: pems.private };
}
