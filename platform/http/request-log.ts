/** One line of the platform's request log. Never holds a token, key or body. */
export interface RequestLogEntry {
  seq: number;
  time: string;
  method: string;
  path: string;
  status: number;
  /** visitor, member, owner, apiKey, or none when the call carried no valid credential. */
  role: string;
  durationMs: number;
  /** For /oauth2/token: the grant type, so a renewal is visible ('refresh_token'). */
  grant?: string;
  /** Set when an injected fault answered or delayed the request. */
  fault?: string;
  /** What the platform wants the developer to know about a request it served (Wix would serve it silently). */
  warnings?: string[];
}

/** A bounded ring of recent requests, for the demo's panel and for tests. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;
  private readonly listeners = new Set<(entry: RequestLogEntry) => void>();

  constructor(private readonly capacity = 500) {}

  add(entry: Omit<RequestLogEntry, 'seq'>): void {
    const full = { ...entry, seq: ++this.seq };
    this.entries.push(full);
    if (this.entries.length > this.capacity) this.entries.shift();
    for (const listener of this.listeners) listener(full);
  }

  since(seq = 0): RequestLogEntry[] {
    return this.entries.filter((e) => e.seq > seq);
  }

  clear(): void {
    this.entries = [];
  }

  subscribe(listener: (entry: RequestLogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
