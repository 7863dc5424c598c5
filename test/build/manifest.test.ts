/**
 * custom-elements.json and the README's element reference: both as `npm run manifest` would write them now, every
 * element (every elements/<dir>/define.ts) in the manifest under its tag, every `@fires` event typed in
 * GlobalEventHandlersEventMap, and nothing private or internal in the README tables.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Package } from 'custom-elements-manifest/schema.d.ts';
import { elementEntries } from '../../scripts/element-entries.ts';
import {
  analyzeElements,
  customElements,
  editorAttributes,
  END_MARKER,
  generate,
  MANIFEST_FILE,
  README_FILE,
  renderReference,
  START_MARKER,
  withReference,
} from '../../scripts/manifest.ts';

const fresh = generate();
const manifest = JSON.parse(fresh.manifest) as Package;
const elements = customElements(manifest);

/** The JSDoc tags of one kind in a file, e.g. every `@fires name`. */
function jsdocTags(source: string, tag: string): string[] {
  return [...source.matchAll(new RegExp(`^\\s*\\*\\s*@${tag}\\s+(?:\\{[^}]*\\}\\s+)?\\[?([\\w-]+)`, 'gm'))].map((m) => m[1]!);
}

const elementSources = (dir: string) =>
  readdirSync(join('elements', dir))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(join('elements', dir, f), 'utf8'));

describe('custom-elements.json and the README reference', () => {
  it('custom-elements.json is what `npm run manifest` makes from the JSDoc now', () => {
    assert.ok(readFileSync(MANIFEST_FILE, 'utf8') === fresh.manifest, `${MANIFEST_FILE} is stale: run npm run manifest`);
  });

  it("the README's element reference is what `npm run manifest` makes from custom-elements.json now", () => {
    const readme = readFileSync(README_FILE, 'utf8');
    assert.equal(readme.split(START_MARKER).length, 2, `one ${START_MARKER} in the README`);
    assert.equal(readme.split(END_MARKER).length, 2, `one ${END_MARKER} in the README`);
    const section = (text: string) => text.slice(text.indexOf(START_MARKER), text.indexOf(END_MARKER));
    assert.ok(section(readme) === section(fresh.readme), 'the README tables are stale: run npm run manifest');
    assert.equal(readme, fresh.readme);
  });

  it('has every element folder with a define.ts, under the tag it registers, declared in that folder', () => {
    const entries = elementEntries();
    assert.ok(entries.length >= 3);
    for (const { tag, dir } of entries) {
      const found = elements.find((e) => e.element.tagName === tag);
      assert.ok(found, `${tag} (elements/${dir}) is in the manifest`);
      assert.ok(found.module.path.startsWith(`elements/${dir}/`), `${tag} is declared in elements/${dir}/`);
      const define = manifest.modules.find((m) => m.path === `elements/${dir}/define.ts`);
      const definition = define?.exports?.find((e) => e.kind === 'custom-element-definition' && e.name === tag);
      assert.ok(definition, `elements/${dir}/define.ts defines ${tag}`);
      assert.ok(found.element.description, `${tag} has a description`);
    }
    assert.deepEqual(elements.map((e) => e.element.tagName).sort(), entries.map((e) => e.tag).sort(), 'no element beyond the define.ts folders');
  });

  it('types every @fires event in GlobalEventHandlersEventMap, and documents every event it types', () => {
    for (const { tag, dir } of elementEntries()) {
      const { element } = elements.find((e) => e.element.tagName === tag)!;
      const sources = elementSources(dir).join('\n');
      const fired = jsdocTags(sources, 'fires');
      const events = element.events ?? [];
      assert.deepEqual(events.map((e) => e.name).sort(), [...new Set(fired)].sort(), `${tag}: the manifest's events are its @fires tags`);
      for (const event of events) {
        assert.ok(event.description, `${tag} ${event.name} has a description`);
        assert.match(event.type?.text ?? '', /^CustomEvent<.+>$/, `${tag} ${event.name} is typed (GlobalEventHandlersEventMap)`);
        assert.match(
          sources,
          new RegExp(`interface GlobalEventHandlersEventMap \\{[^}]*'${event.name}': CustomEvent<`),
          `${tag} declares ${event.name} in GlobalEventHandlersEventMap`,
        );
      }
    }
  });

  it('takes the attributes from the @attr JSDoc and the static properties, and no internal state', () => {
    for (const { tag, dir } of elementEntries()) {
      const { element } = elements.find((e) => e.element.tagName === tag)!;
      const names = (element.attributes ?? []).map((a) => a.name);
      for (const attr of jsdocTags(elementSources(dir).join('\n'), 'attr')) assert.ok(names.includes(attr), `${tag}: @attr ${attr} is in the manifest`);
      assert.equal(new Set(names).size, names.length, `${tag}: no attribute twice`);
      for (const name of ['connection', 'sessionVersion', 'selectedId', 'page']) assert.ok(!names.includes(name), `${tag}: state ${name} is no attribute`);
      for (const member of element.members ?? []) {
        assert.ok(!member.name.startsWith('#') && member.privacy !== 'private', `${tag}: private ${member.name} is left out`);
      }
    }
  });

  it('gives the Editor example for an element with attributes to set (wix-data-list)', () => {
    const list = elements.find((e) => e.element.tagName === 'wix-data-list')!.element;
    const example = editorAttributes(list);
    assert.deepEqual(
      example.find((a) => a.name === 'collection'),
      { name: 'collection', value: 'Products' },
    );
    assert.ok(!example.some((a) => ['bridge', 'bridge-reply', 'api-base-url'].includes(a.name)), 'no transport attributes in the Editor example');
  });
});

describe('the generator', () => {
  const root = mkdtempSync(join(tmpdir(), 'wix-manifest-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'core'));
  writeFileSync(
    join(root, 'core', 'base.ts'),
    `import { LitElement } from 'lit';
/** @attr bridge - Set by page code. */
export class Base extends LitElement {
  static override properties = { connectTimeout: { type: Number, attribute: 'connect-timeout' }, connection: { state: true }, secretish: { attribute: 'internal-flag' } };
  /** Milliseconds to wait. */
  connectTimeout = 1500;
  protected connection = 'connecting';
  protected secretish = false;
}
`,
  );
  mkdirSync(join(root, 'x-widget'));
  writeFileSync(
    join(root, 'x-widget', 'x-widget.ts'),
    `import { html } from 'lit';
import { Base } from '../core/base.ts';
export interface WidgetPickDetail { id: string; index?: number }
/**
 * A widget for the tests: it picks | things.
 *
 * A second paragraph the README leaves out.
 *
 * @tag x-widget
 * @attr collection - ID of the collection, e.g. \`Products\`.
 * @attr state - Read-only, reflected: idle, busy.
 * @fires x-pick - Something was picked.
 * @slot - The content.
 * @csspart box - The box.
 * @cssprop --wse-color-accent - Accent.
 */
export class XWidget extends Base {
  static override properties = { collection: {}, mode: { attribute: 'mode' }, picked: { state: true } };
  collection = '';
  mode: 'a' | 'b' = 'a';
  picked = 0;
  #hidden = 1;
  private internal = 2;
  private emit<K extends 'x-pick'>(type: K, detail: GlobalEventHandlersEventMap[K]['detail']): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
  override render() { return html\`<slot></slot>\`; }
}
declare global {
  interface GlobalEventHandlersEventMap {
    'x-pick': CustomEvent<WidgetPickDetail>;
  }
}
`,
  );
  writeFileSync(
    join(root, 'x-widget', 'define.ts'),
    `import { XWidget } from './x-widget.ts';
if (!customElements.get('x-widget')) customElements.define('x-widget', XWidget);
`,
  );

  const fixture = analyzeElements(root);
  const widget = customElements(fixture).find((e) => e.element.tagName === 'x-widget')!.element;
  const reference = renderReference(fixture);

  it('reads @attr JSDoc and static properties, inherited ones too, and leaves out `state: true` properties', () => {
    const names = (widget.attributes ?? []).map((a) => a.name).sort();
    assert.deepEqual(names, ['bridge', 'collection', 'connect-timeout', 'internal-flag', 'mode', 'state']);
    assert.equal(widget.attributes!.find((a) => a.name === 'connect-timeout')!.default, '1500');
  });

  it('drops private members and the event the analyzer names after a variable, and types the @fires event in full', () => {
    const members = (widget.members ?? []).map((m) => m.name);
    assert.ok(!members.includes('#hidden') && !members.includes('internal') && !members.includes('emit'));
    assert.deepEqual(widget.events, [{ name: 'x-pick', description: 'Something was picked.', type: { text: 'CustomEvent<{ id: string; index?: number }>' } }]);
  });

  it('renders the first paragraph and the tables, escaping pipes, without protected members', () => {
    assert.match(reference, /#### `<x-widget>`\n\nA widget for the tests: it picks \| things\.\n\n\|/);
    assert.ok(!reference.includes('second paragraph'));
    assert.match(reference, /\| `collection` \| `string` \| — \| ID of the collection, e\.g\. `Products`\. \|/);
    assert.match(reference, /\| `mode` \| `'a' \\\| 'b'` \| `"a"` \| — \|/);
    assert.match(reference, /\| `connect-timeout` \| `number` \| `1500` \| Milliseconds to wait\. \|/);
    assert.ok(!reference.includes('internal-flag'), 'an attribute of a protected field is not in the README');
    assert.match(reference, /\| `x-pick` \| `\{ id: string; index\?: number \}` \| Something was picked\. \|/);
    assert.match(reference, /\| \(default\) \| The content\. \|/);
    assert.match(reference, /\| `box` \| The box\. \|/);
    assert.match(reference, /\| `--wse-color-accent` \| — \| Accent\. \|/);
    assert.match(reference, /\*\*Set Attributes\*\*:\n\n\| name \| value \|\n\| --- \| --- \|\n\| `collection` \| `Products` \|\n/);
    assert.ok(!/\| `state` \| `/.test(reference.split('Set Attributes')[1]!), 'no read-only attribute in the Editor example');
  });

  it('replaces only what is between the markers, and needs them', () => {
    const readme = `# x\n\nbefore\n\n${START_MARKER}\nold\n${END_MARKER}\n\nafter\n`;
    const next = withReference(readme, reference);
    assert.ok(next.startsWith('# x\n\nbefore\n\n') && next.endsWith('\n\nafter\n') && !next.includes('\nold\n'));
    assert.equal(withReference(next, reference), next);
    assert.throws(() => withReference('# no markers', reference), /elements:start/);
  });
});
