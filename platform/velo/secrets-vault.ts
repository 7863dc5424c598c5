import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Wix's rules for secret names (reference §2): letters, digits and `_+=-@#$`, at most 50, not starting with "wix". */
const NAME = /^[A-Za-z0-9_+=\-@#$]{1,50}$/;
const ENV_PREFIX = 'WIX_SECRET_';

export function validSecretName(name: string): boolean {
  return NAME.test(name) && !/^wix/i.test(name);
}

/**
 * The local Secrets Manager behind `wix-secrets-backend` and `@wix/secrets`. Values come from a git-ignored
 * JSON file (`.wix-local/secrets.json`, mode 0600) and from `WIX_SECRET_<NAME>` environment variables, which win.
 * It counts reads so the benchmark can show what the backend's cache saves. Values are never logged.
 */
export class SecretsVault {
  /** What the file holds (and what set() writes back); environment values are never written to it. */
  private readonly stored = new Map<string, string>();
  private readonly fromEnv = new Map<string, string>();
  reads = 0;

  constructor(
    private readonly file?: string,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    if (file && existsSync(file)) {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      for (const [name, value] of Object.entries(parsed)) if (typeof value === 'string' && validSecretName(name)) this.stored.set(name, value);
    }
    for (const [key, value] of Object.entries(env)) {
      if (key.startsWith(ENV_PREFIX) && value && validSecretName(key.slice(ENV_PREFIX.length))) this.fromEnv.set(key.slice(ENV_PREFIX.length), value);
    }
  }

  /** When each secret was last read (ms since the epoch), for the dashboard: names and times, never values. */
  readonly lastReads = new Map<string, number>();

  read(name: string): string | undefined {
    this.reads++;
    if (this.has(name)) this.lastReads.set(name, Date.now());
    return this.fromEnv.get(name) ?? this.stored.get(name);
  }

  /** Whether the value comes from a WIX_SECRET_<NAME> environment variable (which wins over the file). */
  fromEnvironment(name: string): boolean {
    return this.fromEnv.has(name);
  }

  has(name: string): boolean {
    return this.fromEnv.has(name) || this.stored.has(name);
  }

  names(): string[] {
    return [...new Set([...this.stored.keys(), ...this.fromEnv.keys()])].sort();
  }

  /** Every value, for the build's leak scan only. */
  values(): string[] {
    return [...this.stored.values(), ...this.fromEnv.values()];
  }

  /** Sets a secret (seeding, tests, key rotation drills) and persists the file when there is one. */
  set(name: string, value: string): void {
    if (!validSecretName(name)) throw new RangeError(`"${name}" is not a valid secret name.`);
    if (value.length < 1 || value.length > 3500) throw new RangeError('A secret value is 1 to 3500 characters.');
    this.stored.set(name, value);
    this.persist();
  }

  private persist(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, `${JSON.stringify(Object.fromEntries(this.stored), null, 2)}\n`, { mode: 0o600 });
    chmodSync(this.file, 0o600);
  }
}
