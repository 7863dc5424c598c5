/** Authorization codes kept at most, per map: each one a signed-in browser can mint without exchanging it. */
export const MAX_CODES = 10_000;

/**
 * Drops codes that expired more than `graceMs` ago (kept that long so that a replay is still recognised as one), and
 * the oldest beyond MAX_CODES. Called before a code is added: codes that were never exchanged used to stay forever.
 */
export function pruneCodes(codes: Map<string, { expiresAt: number }>, now: number, graceMs: number): void {
  for (const [code, entry] of codes) if (entry.expiresAt + graceMs < now) codes.delete(code);
  while (codes.size >= MAX_CODES) codes.delete(codes.keys().next().value!);
}
