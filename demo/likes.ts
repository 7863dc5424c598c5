/**
 * The catalogue's like button. Liking is a member's action with a counter every visitor can read, so page code
 * calls a web method (velo-backend/data-admin.web.ts likeProduct), which records the like once per member and
 * increments the product's `likes` with a Wix Data patch; the count shown on selection is read with @wix/data as
 * the page's own session.
 */
import { createClient } from '@wix/sdk';
import { items } from '@wix/data';
import { likeProduct } from 'backend/data-admin.web';
import { setPageSession, WebMethodError } from './velo-page/web-method-client.ts';

interface Host {
  token(): Promise<string>;
}

const PRODUCTS = 'Products';

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
}

const likesText = (likes: number) => `${likes} ${likes === 1 ? 'like' : 'likes'}`;

export function bindLikes(host: Host): void {
  setPageSession(() => host.token());
  const client = createClient({ modules: { items }, auth: { getAuthHeaders: async () => ({ headers: { Authorization: await host.token() } }) } });
  const button = byId<HTMLButtonElement>('like-button');
  const status = byId('like-status');
  let productId: string | undefined;

  document.addEventListener('wix-item-select', async (event) => {
    const fromCatalogue = (event.target as Element | null)?.getAttribute('collection') === PRODUCTS;
    productId = fromCatalogue ? event.detail.item._id : undefined;
    button.hidden = !fromCatalogue;
    status.textContent = '';
    if (!productId) return;
    const selected = productId;
    try {
      const product = await client.items.get(PRODUCTS, selected);
      if (productId === selected) status.textContent = likesText(Number(product?.['likes'] ?? 0));
    } catch {
      if (productId === selected) status.textContent = 'The like count could not be read.';
    }
  });

  button.addEventListener('click', async () => {
    if (!productId) return;
    const liked = productId;
    button.disabled = true;
    try {
      const answer = await likeProduct({ productId: liked });
      if (productId !== liked) return;
      status.textContent = answer.ok ? `${answer.data.alreadyLiked ? 'You already like this' : 'Liked'} · ${likesText(answer.data.likes)}` : answer.message;
    } catch (error) {
      status.textContent =
        error instanceof WebMethodError && (error.status === 401 || error.status === 403)
          ? 'Sign in as a member to like products.'
          : `Failed: ${(error as Error).message}`;
    } finally {
      button.disabled = false;
    }
  });
}
