import { memberSlug } from '../../members/service.ts';
import { currentCall } from '../context.ts';

export interface CurrentMember {
  _id: string;
  contactId: string;
  loginEmail: string;
  status: 'APPROVED';
  privacyStatus: 'PUBLIC';
  activityStatus: 'ACTIVE';
  profile: { nickname: string; slug: string };
}

/** A member role as getRoles() resolves it; the site owner's extra role is named "Admin" (reference §3.2). */
export interface MemberRole {
  _id: string;
  name: string;
  description: string;
}

const ADMIN_ROLE: MemberRole = { _id: 'admin', name: 'Admin', description: 'The site owner, or a collaborator with admin permissions.' };

/** A stable id for a custom role, from its name (Wix gives roles GUIDs; the name is what site code compares). */
function roleId(name: string): string {
  return `role-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

/** Local `wix-members-backend`: in the backend, getMember() throws when no member is logged in (reference §3.2). */
export const currentMember = {
  async getMember(_options?: { fieldsets?: string[] }): Promise<CurrentMember> {
    const call = currentCall('wix-members-backend currentMember.getMember()');
    if (call.caller.kind !== 'member' && call.caller.kind !== 'owner') throw new Error('No member is logged in.');
    const member = call.runtime.getMember(call.caller.id);
    if (!member) throw new Error('No member is logged in.');
    return {
      _id: member.id,
      contactId: member.id,
      loginEmail: member.email,
      status: 'APPROVED',
      privacyStatus: 'PUBLIC',
      activityStatus: 'ACTIVE',
      profile: { nickname: member.nickname, slug: memberSlug(member.nickname) },
    };
  },
  /**
   * The member's roles, rejected when nobody is logged in. As documented: a member's own roles (the custom roles
   * the runtime knows of, e.g. from the testing kit's fixtures; none otherwise), and for the site owner those plus
   * a role named "Admin".
   */
  async getRoles(): Promise<MemberRole[]> {
    await currentMember.getMember();
    const call = currentCall('wix-members-backend currentMember.getRoles()');
    const own = (call.runtime.memberRoles?.(call.caller.id) ?? []).map((name) => ({ _id: roleId(name), name, description: '' }));
    return call.caller.kind === 'owner' ? [...own, { ...ADMIN_ROLE }] : own;
  },
};

export default { currentMember };
