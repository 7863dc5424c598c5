// The example site's custom element (a Wix "Custom Element" with tag book-badge): a book's title from its `book`
// attribute (JSON, as page code sets it), the size of the collection read with the site session's token once the
// host injects it, and a Like button that page code hears as a `book-liked` event.
const QUERY_PATH = '/_api/cloud-data/v2/items/query';

class BookBadge extends HTMLElement {
  static observedAttributes = ['book', 'collection'];
  #getter;
  #total;
  #status = 'waiting';
  #root = this.attachShadow({ mode: 'open' });

  /** Wix calls this with the site session's token getter, possibly after the element is on the page. */
  accessTokenListener = (getter) => {
    this.#getter = getter;
    void this.#load();
  };

  connectedCallback() {
    // A host may expose the getter through wixEmbedsAPI instead of calling accessTokenListener.
    const fromEmbeds = window.wixEmbedsAPI?.getAccessTokenFunction?.();
    if (!this.#getter && typeof fromEmbeds === 'function') this.accessTokenListener(fromEmbeds);
    this.#render();
  }

  attributeChangedCallback() {
    this.#render();
  }

  get book() {
    try {
      return JSON.parse(this.getAttribute('book') ?? 'null');
    } catch {
      return null;
    }
  }

  get status() {
    return this.#status;
  }

  #inEditor() {
    return /^editor$/i.test(window.commonConfig?.viewMode ?? '');
  }

  async #load() {
    if (this.#inEditor() || !this.#getter) return;
    this.#status = 'loading';
    this.#render();
    try {
      const token = await this.#getter();
      const base = window.wixEmbedsAPI?.getExternalBaseUrl?.() ?? location.origin;
      const r = await fetch(new URL(QUERY_PATH, base), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: token },
        body: JSON.stringify({ dataCollectionId: this.getAttribute('collection') || 'Books', query: { paging: { limit: 1 } }, returnTotalCount: true }),
      });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      this.#total = (await r.json()).pagingMetadata?.total;
      this.#status = 'ready';
      this.dispatchEvent(new CustomEvent('badge-ready', { detail: { total: this.#total } }));
    } catch (error) {
      this.#status = 'error';
      this.dispatchEvent(new CustomEvent('badge-error', { detail: { message: String(error?.message ?? error) } }));
    }
    this.#render();
  }

  #render() {
    const root = this.#root;
    root.replaceChildren();
    if (this.#inEditor()) {
      const p = document.createElement('p');
      p.setAttribute('part', 'placeholder');
      p.textContent = 'Book badge: shows a book on the live site';
      root.append(p);
      return;
    }
    const title = document.createElement('strong');
    title.setAttribute('part', 'title');
    title.textContent = this.book?.title ?? 'No book';
    const status = document.createElement('span');
    status.setAttribute('part', 'status');
    status.textContent =
      this.#status === 'ready' ? `${this.#total} in the catalogue` : this.#status === 'waiting' ? 'waiting for the site session' : this.#status;
    const like = document.createElement('button');
    like.setAttribute('part', 'like');
    like.textContent = 'Like';
    like.disabled = !this.book;
    like.addEventListener('click', () => this.dispatchEvent(new CustomEvent('book-liked', { detail: { id: this.book?._id ?? null } })));
    root.append(title, ' ', status, ' ', like);
  }
}

if (!customElements.get('book-badge')) customElements.define('book-badge', BookBadge);
