import { currentCall } from '../context.ts';

export interface CurrentMember {
  _id: string;
  loginEmail: string;
  status: 'APPROVED';
  profile: { nickname: string };
}

/** Local `wix-members-backend`: in the backend, getMember() throws when no member is logged in (reference §3.2). */
export const currentMember = {
  async getMember(_options?: { fieldsets?: string[] }): Promise<CurrentMember> {
    const call = currentCall('wix-members-backend currentMember.getMember()');
    if (call.caller.kind !== 'member' && call.caller.kind !== 'owner') throw new Error('No member is logged in.');
    const member = call.runtime.getMember(call.caller.id);
    if (!member) throw new Error('No member is logged in.');
    return { _id: member.id, loginEmail: member.email, status: 'APPROVED', profile: { nickname: member.nickname } };
  },
  async getRoles(): Promise<{ _id: string; name: string }[]> {
    const member = await currentMember.getMember();
    const call = currentCall('wix-members-backend currentMember.getRoles()');
    return call.caller.kind === 'owner' ? [{ _id: 'admin', name: 'Admin' }] : [{ _id: `member-${member._id}`, name: 'Member' }];
  },
};

export default { currentMember };
