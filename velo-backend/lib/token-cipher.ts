/**
 * AES-256-GCM for refresh tokens at rest. The key (32 bytes, base64url) comes from the Secrets Manager; the
 * record's id is bound as additional data, so a ciphertext copied onto another record does not decrypt.
 */
const enc = new TextEncoder();
const dec = new TextDecoder();
const keys = new Map<string, Promise<CryptoKey>>();

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function importKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    const raw = Buffer.from(secret, 'base64url');
    if (raw.length !== 32) throw new Error('The token encryption key must be 32 bytes (base64url).');
    key = crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
    keys.set(secret, key);
  }
  return key;
}

export async function seal(secret: string, recordId: string, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const cipher = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: enc.encode(recordId) }, await importKey(secret), enc.encode(plaintext));
  return `v1.${b64(iv)}.${b64(new Uint8Array(cipher))}`;
}

export async function open(secret: string, recordId: string, sealed: string): Promise<string> {
  const [version, iv, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !body) throw new Error('Unknown token envelope.');
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: Buffer.from(iv, 'base64url'), additionalData: enc.encode(recordId) },
    await importKey(secret),
    Buffer.from(body, 'base64url'),
  );
  return dec.decode(plain);
}
