// Page code of the demo's Velo site. On a real site this is the page's code file; `$w`, the page session,
// `@wix/data` and the `backend/...web` imports are what Wix provides there.
import '../elements/data-list/define.ts';
import { createSessionClient } from '../elements/core/client.ts';
import { Session } from '../elements/core/session.ts';
import { bindElements } from '../elements/velo/page.ts';
import { createDollarW } from './velo-page/dollar-w.ts';
import { pageSession } from './velo-page/page-session.ts';
import { setPageSession, WebMethodError } from './velo-page/web-method-client.ts';
import { categoryCounts, myOrders, queryOrdersForBridge, submitContactRequest, updateOrderStatus } from 'backend/data-admin.web';

const session = await pageSession();
setPageSession(session);
// What `import { items } from '@wix/data'` is in page code: Wix Data as the current visitor or member.
const pageItems = createSessionClient(new Session(session), { apiBaseUrl: location.host }).items;

const $w = createDollarW();
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** A denial is a rejected web-method call (403), exactly as on Wix; its message is for the visitor (no backend path). */
const explain = (error: unknown) =>
  error instanceof WebMethodError && error.status === 403 ? `Denied: ${error.message}` : `Failed: ${(error as Error).message}`;

$w.onReady(() => {
  bindElements($w, {
    '#productList': { items: pageItems },
    '#adminOrders': { backend: { query: (args) => queryOrdersForBridge(args) as never } },
  });

  let selectedOrder: string | undefined;
  $w('#adminOrders').on('wix-item-select', (event) => {
    selectedOrder = (event.detail as { item: { _id: string } }).item._id;
  });

  $('updateStatus').addEventListener('click', async () => {
    const result = $('adminResult');
    if (!selectedOrder) {
      result.textContent = 'Select an order first.';
      return;
    }
    try {
      const answer = await updateOrderStatus({ orderId: selectedOrder, status: $<HTMLSelectElement>('newStatus').value });
      result.className = answer.ok ? 'ok' : 'denied';
      result.textContent = answer.ok ? `Order ${answer.data.orderNumber} is now ${answer.data.status}.` : answer.message;
      // The list shows the new status too: page code answering `ready` again makes the element load again.
      if (answer.ok) $('adminOrders').setAttribute('bridge', 'ready');
    } catch (error) {
      result.className = 'denied';
      result.textContent = explain(error);
    }
  });

  $('loadMine').addEventListener('click', async () => {
    const result = $('mineResult');
    const list = $('mine');
    list.replaceChildren();
    try {
      const answer = await myOrders({ limit: 10 });
      if (!answer.ok) throw new Error(answer.message);
      result.className = 'ok';
      result.textContent = `${answer.data.totalCount} orders.`;
      list.replaceChildren(
        ...answer.data.items.map((o) =>
          Object.assign(document.createElement('li'), { textContent: `#${o.orderNumber} · ${o.status} · ${o.total} ${o.currency}` }),
        ),
      );
    } catch (error) {
      result.className = 'denied';
      result.textContent = explain(error);
    }
  });

  $('loadCounts').addEventListener('click', async () => {
    const answer = await categoryCounts();
    if (answer.ok)
      $('counts').replaceChildren(...answer.data.map((c) => Object.assign(document.createElement('li'), { textContent: `${c.category}: ${c.count}` })));
  });

  $<HTMLFormElement>('contact').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const answer = await submitContactRequest({
      name: String(form.get('name')),
      email: String(form.get('email')),
      message: String(form.get('message')),
      requestId: crypto.randomUUID(),
    });
    $('contactResult').className = answer.ok ? 'ok' : 'denied';
    $('contactResult').textContent = answer.ok ? 'Thanks, we got your message.' : answer.message;
  });
});
