// The gallery: each specimen twice, as a site widget (the Wix host injects its session, here DemoWixHost) and on
// a Velo site (a frame whose page code answers through the bridge), plus the Editor and no-session states.
import type { WixDataTable } from '../../elements/data-table/data-table.ts';
import { DemoWixHost, routeWixApisToPage } from '../host/wix-host.ts';
import { bindAccountBar } from '../host/account-bar.ts';
import { fitFrameToContent, followTheme } from '../host/frames.ts';
import { controlFetch, platformClientId } from '../velo-page/control-client.ts';
import { SPECIMENS, type SpecimenName } from './specimens.ts';

const $ = <T extends HTMLElement = HTMLElement>(selector: string) => document.querySelector<T>(selector)!;

routeWixApisToPage();
const host = new DemoWixHost(await platformClientId());
await host.restore(); // a member who signed in before this reload is still signed in, as on a Wix site
// The Velo frames take their page session from the host, as page code on a Wix site would.
(window as unknown as { demoHost: DemoWixHost }).demoHost = host;

for (const section of document.querySelectorAll<HTMLElement>('.specimen')) {
  const name = section.dataset['specimen'] as SpecimenName;
  const columns = document.createElement('div');
  columns.className = 'columns';
  const widget = document.createElement('div');
  widget.append(Object.assign(document.createElement('h3'), { textContent: 'Site widget (session from the Wix host)' }), SPECIMENS[name](`${name}-widget`));
  const velo = document.createElement('div');
  const frame = Object.assign(document.createElement('iframe'), { title: `${name} on a Velo site`, className: 'velo-frame' });
  frame.dataset['src'] = `./frame.html?mode=velo&specimen=${name}`;
  velo.append(Object.assign(document.createElement('h3'), { textContent: 'Velo site (page code, no token in the page)' }), frame);
  columns.append(widget, velo);
  section.append(columns);
}

// Frames start only now: their page code looks for demoHost when it starts. A sign-in or out reloads them.
// Each frame is as tall as its content and follows the dark theme.
const frames = [...document.querySelectorAll<HTMLIFrameElement>('iframe[data-src]')];
for (const frame of frames) {
  fitFrameToContent(frame);
  followTheme(frame);
  frame.src = frame.dataset['src']!;
}
host.addEventListener('identity-change', () => {
  for (const frame of frames) if (frame.classList.contains('velo-frame')) frame.contentWindow?.location.reload();
});

bindAccountBar(host);

// Theme: the elements follow the page's color-scheme through the --wse-* token defaults.
$<HTMLInputElement>('#dark').addEventListener('change', (event) => {
  document.documentElement.classList.toggle('dark', (event.target as HTMLInputElement).checked);
});

// Faults, through the platform's control routes: the error states are the platform's real answers.
const addFault = (rule: Record<string, unknown>) => controlFetch('/_platform/faults', { body: rule });
$('#fail-query').addEventListener('click', async () => {
  await addFault({ path: '/_api/cloud-data/v2/items/query', status: 500, times: 1 });
  $<WixDataTable>('#table-widget').refresh();
  $('#fault-note').textContent = 'The table asked again and got a 500: it shows the error with "Try again".';
});
$('#fail-action').addEventListener('click', async () => {
  await addFault({ path: '/_functions/action/', status: 500, times: 1 });
  $('#fault-note').textContent = 'The next action (either host) answers 500: run one to see its error state.';
});
$('#clear-faults').addEventListener('click', async () => {
  await controlFetch('/_platform/faults', { method: 'DELETE' });
  $('#fault-note').textContent = 'Faults cleared.';
});
