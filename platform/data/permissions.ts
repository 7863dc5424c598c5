import type { Caller } from '../identity/callers.ts';
import type { Operation, Role } from './collections.ts';

/** How much of a collection a caller may touch for one operation. */
export type Access = 'all' | 'own' | 'none';

/**
 * The permission rule, one place for all of it (reference §4, "suggested emulator rule"):
 * - visitor: ANYONE only;
 * - member: ANYONE and SITE_MEMBER fully, SITE_MEMBER_AUTHOR for the items it owns (`_owner`);
 * - site owner (admin): everything;
 * - API key: everything its permissions name (elevated: item permissions do not apply), nothing else.
 */
export function accessFor(caller: Caller, role: Role, op: Operation): Access {
  switch (caller.kind) {
    case 'app': {
      // Scopes first; then the item permissions of the user who consented (client_credentials: the site's admin).
      if (!caller.scopes.has(op === 'read' ? 'wix-data.items.read' : 'wix-data.items.write')) return 'none';
      return caller.userRole ? accessFor({ kind: caller.userRole, id: caller.id }, role, op) : 'all';
    }
    case 'owner':
      return 'all';
    case 'apiKey': {
      const needed = op === 'read' ? 'WIX_DATA.READ_ITEMS' : 'WIX_DATA.WRITE_ITEMS';
      return caller.permissions.has(needed) ? 'all' : 'none';
    }
    case 'member':
      if (role === 'ANYONE' || role === 'SITE_MEMBER') return 'all';
      if (role === 'SITE_MEMBER_AUTHOR') return 'own';
      return 'none';
    case 'visitor':
      return role === 'ANYONE' ? 'all' : 'none';
  }
}

/** Elevated callers bypass item permissions, can set `_owner` and can truncate. */
export function isElevated(caller: Caller): boolean {
  return caller.kind === 'owner' || caller.kind === 'apiKey' || (caller.kind === 'app' && caller.userRole !== 'member');
}

export function canManageCollections(caller: Caller, write: boolean): boolean {
  if (caller.kind === 'owner') return true;
  if (caller.kind !== 'apiKey') return false;
  if (caller.permissions.has('WIX_DATA.MANAGE_COLLECTIONS')) return true;
  return !write && (caller.permissions.has('WIX_DATA.READ_ITEMS') || caller.permissions.has('WIX_DATA.WRITE_ITEMS'));
}
