// One framed page of the gallery, chosen by the query string:
// - ?mode=velo&specimen=<name>: the element on a Velo site, answered by page code through the bridge;
// - ?mode=editor: every element as the Wix Editor shows it (placeholders, no network);
// - ?mode=bare: every element with no Wix session at all (the "not connected" state).
import { createSessionClient } from '../../elements/core/client.ts';
import { Session } from '../../elements/core/session.ts';
import { bindElements } from '../../elements/velo/page.ts';
import { createDollarW } from '../velo-page/dollar-w.ts';
import { pageSession } from '../velo-page/page-session.ts';
import { setPageSession } from '../velo-page/web-method-client.ts';
import type { SpecimenName } from './specimens.ts';

const params = new URLSearchParams(location.search);
const mode = params.get('mode');
const main = document.getElementById('frame')!;

if (mode === 'editor') {
  // What the Wix Editor sets before custom elements load (see elements/core/host.ts inEditor()).
  (window as unknown as { commonConfig: unknown }).commonConfig = { viewMode: 'Editor' };
}
const { SPECIMENS } = await import('./specimens.ts');

if (mode === 'velo') {
  const name = params.get('specimen') as SpecimenName;
  const make = SPECIMENS[name];
  if (!make) throw new Error(`no specimen ${name}`);
  main.append(make('specimen'));
  await bindPageCode(name);
} else {
  const names: SpecimenName[] = ['table', 'form', 'gate', 'action', 'list', 'oauth'];
  for (const name of names) {
    const el = SPECIMENS[name](`${name}-${mode}`);
    el.setAttribute('connect-timeout', '300');
    const figure = document.createElement('figure');
    figure.append(el, Object.assign(document.createElement('figcaption'), { textContent: `<${el.localName}>` }));
    main.append(figure);
  }
}

/** The page code a Velo site owner writes for each element ($w, the page session and web methods are Wix's). */
async function bindPageCode(name: SpecimenName): Promise<void> {
  const session = await pageSession();
  setPageSession(session);
  // `import { items } from '@wix/data'` in page code: Wix Data as the current visitor or member.
  const pageItems = createSessionClient(new Session(session), { apiBaseUrl: location.host }).items;
  const backend = await import('backend/data-admin.web');
  const oauth = await import('backend/oauth.web');
  const $w = createDollarW();
  // Stand-in for wix-members-frontend's currentMember: who the page session belongs to.
  const identity = async () => {
    const response = await fetch('/oauth2/token-info', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: await session() }),
    });
    const kind = ({ VISITOR: 'visitor', MEMBER: 'member', USER: 'owner' } as Record<string, string>)[(await response.json()).subjectType];
    return kind ? { ok: true, data: { kind } } : { ok: false, code: 'UNAUTHENTICATED', message: 'No session.' };
  };
  const insertInto = (collection: string) => async (input: unknown) => ({
    ok: true,
    data: await pageItems.insert(collection, (input as { item: Record<string, unknown> }).item),
  });
  const bindings = {
    table: { items: pageItems },
    list: { items: pageItems },
    form: { actions: { insert: insertInto('Feedback') } },
    memberForm: { actions: { insert: insertInto('Notes') } },
    gate: { actions: { identity } },
    action: { actions: { categoryCounts: backend.categoryCounts } },
    adminAction: { actions: { updateOrderStatus: backend.updateOrderStatus } },
    oauth: {
      actions: {
        connectionStatus: oauth.connectionStatus,
        startConnect: oauth.startConnect,
        disconnect: oauth.disconnect,
        callConnected: oauth.callConnected,
      },
    },
  } as const;
  $w.onReady(() => bindElements($w, { '#specimen': bindings[name] as never }));
}
