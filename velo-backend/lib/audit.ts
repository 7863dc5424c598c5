import { currentMember } from 'wix-members-backend';
import { withDataApi } from './api-key.ts';
import { redact } from './redact.ts';

export const AUDIT_COLLECTION = 'AuditLog';

export type AuditOutcome = 'ok' | 'denied' | 'invalid' | 'not-found' | 'error' | 'rotated';

export interface AuditEntry {
  what: string;
  outcome: AuditOutcome;
  detail?: string;
}

/** Who is calling, as far as the backend can tell: the member's email, or "visitor". */
async function who(): Promise<string> {
  try {
    const member = await currentMember.getMember();
    return member.loginEmail;
  } catch {
    return 'visitor';
  }
}

/**
 * Wix Data refuses a string that is not valid Unicode. A detail echoes the caller's input (a key of "\ud800") and the
 * cut at 500 can split a pair: either would fail the insert, and an attacker could keep a call out of the log.
 */
const wellFormed = (text: string) => text.replace(/\p{Cs}/gu, '\ufffd');

/**
 * Records a privileged call (who, what, when, outcome) in an admin-only collection. Credentials are redacted
 * from the detail. A failure to audit is reported on stderr but does not fail the call that was audited.
 */
export async function audit(entry: AuditEntry): Promise<void> {
  const record = {
    who: await who(),
    what: entry.what,
    outcome: entry.outcome,
    at: new Date(),
    ...(entry.detail ? { detail: wellFormed(redact(entry.detail).slice(0, 500)) } : {}),
  };
  try {
    await withDataApi((client) => client.items.insert(AUDIT_COLLECTION, record));
  } catch (error) {
    console.error(redact(`audit: could not record ${entry.what}: ${(error as Error).message}`));
  }
}
