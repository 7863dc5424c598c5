import { createHash } from 'node:crypto';

/** One line of the platform's request log. Never holds a token, key or body. */
export interface RequestLogEntry {
  seq: number;
  time: string;
  method: string;
  path: string;
  status: number;
  /** visitor, member, owner, apiKey, app, or none when the call carried no valid credential. */
  role: string;
  durationMs: number;
  /** For /oauth2/token: the grant type, so a renewal is visible ('refresh_token'). */
  grant?: string;
  /** Set when an injected fault answered or delayed the request. */
  fault?: string;
  /** What the platform wants the developer to know about a request it served (Wix would serve it silently). */
  warnings?: string[];
  /** Who called: the member, visitor or owner id, the API key's id (never the key), or the app's client id. */
  callerId?: string;
  /** For an app: the member the app acts for. */
  subjectId?: string;
  /**
   * Where the call came from, as a short hash of the client address and user agent (neither is kept): what the
   * usage monitor compares to flag a new caller for an API key.
   */
  origin?: string;
  /** What the usage monitor flagged on this request: a spike of its caller, a new caller for a key. */
  flags?: string[];
}

/** The caller fields of a log entry, from what the handler resolved (no secret: ids only). */
export function callerFields(
  caller: { kind: string; id: string; clientId?: string } | undefined,
  userAgent: string | string[] | undefined,
  remoteAddress: string | undefined,
): Pick<RequestLogEntry, 'callerId' | 'subjectId' | 'origin'> {
  if (!caller) return {};
  const agent = (Array.isArray(userAgent) ? userAgent[0] : userAgent) ?? '';
  const origin = createHash('sha256')
    .update(`${remoteAddress ?? '?'}\n${agent.slice(0, 512)}`)
    .digest('base64url')
    .slice(0, 12);
  if (caller.kind === 'app' && caller.clientId) return { callerId: caller.clientId, subjectId: caller.id, origin };
  return { callerId: caller.id, origin };
}

/** Looks at an entry before it is stored and returns flags to put on it (the usage monitor is one). */
export type RequestAnnotator = (entry: RequestLogEntry) => string[] | undefined;

/** A bounded ring of recent requests, for the demo's panel, the dashboard and tests. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;
  private readonly listeners = new Set<(entry: RequestLogEntry) => void>();
  private readonly annotators: RequestAnnotator[] = [];

  constructor(private readonly capacity = 500) {}

  add(entry: Omit<RequestLogEntry, 'seq'>): void {
    const full: RequestLogEntry = { ...entry, seq: ++this.seq };
    for (const annotate of this.annotators) {
      const flags = annotate(full);
      if (flags?.length) full.flags = [...(full.flags ?? []), ...flags].slice(0, 10);
    }
    this.entries.push(full);
    if (this.entries.length > this.capacity) this.entries.shift();
    for (const listener of this.listeners) listener(full);
  }

  since(seq = 0): RequestLogEntry[] {
    return this.entries.filter((e) => e.seq > seq);
  }

  /** The newest sequence number handed out (0 before the first request). */
  get lastSeq(): number {
    return this.seq;
  }

  clear(): void {
    this.entries = [];
  }

  subscribe(listener: (entry: RequestLogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adds an annotator: it sees each entry before it is stored and listeners hear of it. */
  annotate(annotator: RequestAnnotator): void {
    this.annotators.push(annotator);
  }
}
