// Same-origin frames of the demo pages (the Velo site sections, the gallery's frames): sized to their content, so
// none cuts what it shows or leaves an empty band, and following the page's dark theme.

/** Keeps a same-origin frame as tall as its content (at least `minPx`), through every load and every change. */
export function fitFrameToContent(frame: HTMLIFrameElement, minPx = 96): void {
  let observer: ResizeObserver | undefined;
  const attach = () => {
    observer?.disconnect();
    const doc = frame.contentDocument;
    if (!doc?.body) return;
    const fit = () => {
      const style = doc.defaultView?.getComputedStyle(doc.body);
      const margins = style ? parseFloat(style.marginTop) + parseFloat(style.marginBottom) : 0;
      // The body's box, or what overflows it (scrollHeight counts a child drawn past the body's bottom).
      const height = Math.ceil(Math.max(doc.body.getBoundingClientRect().height, doc.body.scrollHeight) + margins);
      frame.style.height = `${Math.max(minPx, height)}px`;
    };
    observer = new ResizeObserver(fit);
    observer.observe(doc.body);
    for (const child of doc.body.children) observer.observe(child);
    fit();
  };
  frame.addEventListener('load', attach);
  if (frame.contentDocument?.readyState === 'complete') attach();
}

/** Gives a same-origin frame the page's `dark` class now and after each of its loads. */
export function followTheme(frame: HTMLIFrameElement): void {
  const apply = () => frame.contentDocument?.documentElement.classList.toggle('dark', document.documentElement.classList.contains('dark'));
  frame.addEventListener('load', apply);
  new MutationObserver(apply).observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
  apply();
}
