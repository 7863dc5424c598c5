/**
 * The host layer's limits, in one place (the README's table is built from these numbers). Each one answers in
 * Wix's error shape when it is crossed; none of them can be crossed by a request the official SDKs send.
 */
export const HOST_LIMITS = {
  /** Longest request target (path and query) in bytes: 414 URI_TOO_LONG above it. */
  maxUrlBytes: 8 * 1024,
  /** Request line plus headers, in bytes (Node's maxHeaderSize on the platform's own server): 431 above it. */
  maxHeaderBytes: 16 * 1024,
  /** Most header fields in one request: 431 above it. */
  maxHeaderCount: 100,
  /** Largest request body in bytes: 413 WDE0109 above it (option maxBodyBytes). */
  maxBodyBytes: 4 * 1024 * 1024,
  /** A client must send its whole header block within this: 408 and the socket closed otherwise. */
  headersTimeoutMs: 10_000,
  /** A client must send its whole request (headers and body) within this: 408 and the socket closed otherwise. */
  requestTimeoutMs: 30_000,
  /** An idle keep-alive socket is closed after this (longer than Node clients' 5 s, so they close first). */
  keepAliveTimeoutMs: 10_000,
  /** How often the server checks the two timeouts above. */
  timeoutCheckIntervalMs: 1_000,
  /** Longest accepted fault `path` (a plain prefix or a glob). */
  maxFaultPathLength: 512,
} as const;

export type HostLimits = { -readonly [K in keyof typeof HOST_LIMITS]: number };
