/**
 * A `$w` stand-in for demo page code, shaped like Velo's custom-element API: page code may only set string
 * attributes and listen to events. In Velo page code runs apart from the DOM (a worker), so events reach it
 * later and as copies; this stand-in does the same, which keeps code written against it honest.
 */

/** What a Velo event handler receives. */
export interface VeloEvent {
  type: string;
  detail: unknown;
  target: { id: string };
}

/** `$w('#id')` for a custom element. */
export interface VeloElement {
  setAttribute(name: string, value: string): void;
  on(type: string, handler: (event: VeloEvent) => void): void;
}

export interface DollarW {
  (selector: string): VeloElement;
  /** Runs `fn` once the DOM is parsed and every custom element in it is defined. */
  onReady(fn: () => void | Promise<void>): Promise<void>;
}

// The protocol's details are JSON-safe; copying through JSON also catches any that are not.
const copyOf = (detail: unknown): unknown => (detail === undefined ? undefined : JSON.parse(JSON.stringify(detail)));

const domReady = (): Promise<void> =>
  document.readyState === 'loading'
    ? new Promise((resolve) => document.addEventListener('DOMContentLoaded', () => resolve(), { once: true }))
    : Promise.resolve();

export function createDollarW(root: ParentNode = document): DollarW {
  const $w = ((selector: string): VeloElement => {
    const element = root.querySelector(selector);
    if (!element) throw new Error(`$w: nothing matches ${selector}.`);
    return {
      setAttribute(name, value) {
        if (typeof value !== 'string') throw new TypeError(`$w('${selector}').setAttribute: the value of ${name} must be a string.`);
        element.setAttribute(name, value);
      },
      on(type, handler) {
        element.addEventListener(type, (event) => {
          const detail = copyOf((event as CustomEvent).detail);
          setTimeout(() => handler({ type, detail, target: { id: element.id } }));
        });
      },
    };
  }) as DollarW;

  $w.onReady = async (fn) => {
    await domReady();
    const undefinedTags = new Set([...root.querySelectorAll(':not(:defined)')].map((el) => el.localName));
    await Promise.all([...undefinedTags].map((tag) => customElements.whenDefined(tag)));
    await fn();
  };
  return $w;
}
