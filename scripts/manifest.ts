/**
 * `npm run manifest`: `custom-elements.json` from the elements' JSDoc (`@tag @attr @fires @slot @csspart @cssprop`),
 * made by the custom-elements-manifest analyzer with its Lit plugin, then the README's element reference (between
 * `<!-- elements:start -->` and `<!-- elements:end -->`) made from that manifest. `npm run build` runs it too.
 * `--check` writes nothing and exits 1 when either file is stale.
 *
 * The elements are every `elements/<dir>/define.ts` (as the editor build finds them). elements/core is analysed
 * too, so that what an element inherits (SessionElement's attributes) is in its entry.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { create, ts, type Plugin } from '@custom-elements-manifest/analyzer';
import { litPlugin } from '@custom-elements-manifest/analyzer/src/features/framework-plugins/lit/lit.js';
import type * as TS from 'typescript';
import type { Attribute, ClassDeclaration, CustomElement, Declaration, Event, Module, Package } from 'custom-elements-manifest/schema.d.ts';
import { elementEntries } from './element-entries.ts';

export const MANIFEST_FILE = 'custom-elements.json';
export const README_FILE = 'README.md';
export const START_MARKER = '<!-- elements:start -->';
export const END_MARKER = '<!-- elements:end -->';

/** Attributes that connect an element to its host (page code, the API), not ones a site owner sets in the Editor. */
const TRANSPORT_ATTRIBUTES = new Set(['bridge', 'bridge-reply', 'bridge-timeout', 'api-base-url', 'connect-timeout']);

/** A class in the manifest, with the custom-element fields it may have. */
type CustomElementDeclaration = ClassDeclaration & Partial<CustomElement>;

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The TypeScript files analysed: element folders (styles and tests aside) and elements/core. */
export function sourceFiles(root = 'elements'): string[] {
  const dirs = [...(existsSync(join(root, 'core')) ? ['core'] : []), ...elementEntries(root).map((e) => e.dir)];
  return dirs
    .flatMap((dir) =>
      readdirSync(join(root, dir))
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.styles.ts') && !f.endsWith('.test.ts'))
        .map((f) => `${root}/${dir}/${f}`),
    )
    .sort(byName);
}

// ---------------------------------------------------------------------------------------------------------------
// The analyzer plugin: what the Lit plugin misses with static `properties` declarations, and the events' types.

function isStaticProperties(member: TS.ClassElement): member is TS.PropertyDeclaration {
  return (
    ts.isPropertyDeclaration(member) && member.name.getText() === 'properties' && !!ts.getModifiers(member)?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)
  );
}

/** Names in `static properties = { name: { state: true } }`: internal reactive state, never an attribute. */
function stateProperties(node: TS.ClassDeclaration): Set<string> {
  const names = new Set<string>();
  const declaration = node.members.find(isStaticProperties);
  const init = declaration?.initializer;
  if (!init || !ts.isObjectLiteralExpression(init)) return names;
  for (const prop of init.properties) {
    if (!ts.isPropertyAssignment(prop) || !ts.isObjectLiteralExpression(prop.initializer)) continue;
    const isState = prop.initializer.properties.some(
      (p) => ts.isPropertyAssignment(p) && p.name.getText() === 'state' && p.initializer.kind === ts.SyntaxKind.TrueKeyword,
    );
    if (isState) names.add(prop.name.getText().replace(/^['"]|['"]$/g, ''));
  }
  return names;
}

/** Names of variables passed as the event name (`new CustomEvent(type, ...)`): the analyzer takes the variable's name for an event's. */
function variableEventNames(node: TS.Node): Set<string> {
  const names = new Set<string>();
  const visit = (n: TS.Node) => {
    if (ts.isNewExpression(n) && n.expression.getText() === 'CustomEvent') {
      const first = n.arguments?.[0];
      if (first && !ts.isStringLiteralLike(first)) names.add(first.getText());
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return names;
}

type DetailDeclaration = TS.InterfaceDeclaration | TS.TypeAliasDeclaration;

/** Interfaces and type aliases by name, across the analysed files (a detail type is often imported). */
function collectDetailDeclarations(node: TS.Node, into: Map<string, DetailDeclaration[]>): void {
  if ((ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) && ts.isSourceFile(node.parent)) {
    into.set(node.name.text, [...(into.get(node.name.text) ?? []), node]);
  }
}

/**
 * `CustomEvent<Detail>`, with Detail written out when it names an interface without `extends` or an object type:
 * the one in the same file, else the only one of that name in the analysed files.
 */
function eventTypeText(type: TS.TypeNode, declarations: Map<string, DetailDeclaration[]>): string {
  if (!ts.isTypeReferenceNode(type) || type.typeName.getText() !== 'CustomEvent' || type.typeArguments?.length !== 1) return oneLine(type.getText());
  const detail = type.typeArguments[0]!;
  let text = detail.getText();
  if (ts.isTypeReferenceNode(detail) && !detail.typeArguments) {
    const candidates = declarations.get(detail.typeName.getText()) ?? [];
    const found = candidates.find((d) => d.getSourceFile() === type.getSourceFile()) ?? (candidates.length === 1 ? candidates[0] : undefined);
    if (found && ts.isInterfaceDeclaration(found) && !found.heritageClauses && !found.typeParameters) {
      const members = found.members
        .filter((m): m is TS.PropertySignature => ts.isPropertySignature(m) && !!m.type)
        .map((m) => `${m.name.getText()}${m.questionToken ? '?' : ''}: ${m.type!.getText()}`);
      text = `{ ${members.join('; ')} }`;
    } else if (found && ts.isTypeAliasDeclaration(found) && !found.typeParameters && ts.isTypeLiteralNode(found.type)) {
      text = found.type.getText();
    }
  }
  return `CustomEvent<${oneLine(text)}>`;
}

function isCustomElement(d: Declaration): d is CustomElementDeclaration {
  return d.kind === 'class' && (d as CustomElementDeclaration).customElement === true;
}

/**
 * A top-level `define('tag', Class)` (elements/core/element.ts's guarded define, which the analyzer does not know) as
 * the custom-element definition the analyzer makes of `customElements.define('tag', Class)`: the class's module is the
 * one it is imported from.
 */
function guardedDefinition(node: TS.Node): NonNullable<Module['exports']>[number] | undefined {
  if (!ts.isExpressionStatement(node) || !ts.isCallExpression(node.expression)) return undefined;
  const { expression: callee, arguments: args } = node.expression;
  if (!ts.isIdentifier(callee) || callee.text !== 'define' || args.length !== 2) return undefined;
  const [tag, element] = args;
  if (!ts.isStringLiteral(tag!) || !ts.isIdentifier(element!)) return undefined;
  const file = node.getSourceFile();
  const from = file.statements.find(
    (s): s is TS.ImportDeclaration =>
      ts.isImportDeclaration(s) &&
      !!s.importClause?.namedBindings &&
      ts.isNamedImports(s.importClause.namedBindings) &&
      s.importClause.namedBindings.elements.some((e) => e.name.text === element.text),
  );
  const specifier = from && ts.isStringLiteral(from.moduleSpecifier) ? from.moduleSpecifier.text : undefined;
  const module = specifier ? `/${posix.join(dirname(file.fileName), specifier)}` : `/${file.fileName}`;
  return { kind: 'custom-element-definition', name: tag.text, declaration: { name: element.text, module } };
}

/**
 * - `state: true` entries of static `properties` are not attributes (the Lit plugin makes one of each);
 * - an event the analyzer named after a variable (`new CustomEvent(type)`) is dropped: the `@fires` tags name them;
 * - each event gets its type from the `GlobalEventHandlersEventMap` entry that declares it;
 * - private members (`#x`, `private`) are left out: they are no part of the element's API.
 */
export function wixElementsPlugin(): Plugin {
  // GlobalEventHandlersEventMap is one global interface: TypeScript requires every declaration of an event to agree.
  const eventTypes = new Map<string, TS.TypeNode>();
  const declarations = new Map<string, DetailDeclaration[]>();
  return {
    name: 'wix-session-elements',
    collectPhase({ node }) {
      collectDetailDeclarations(node as unknown as TS.Node, declarations);
    },
    analyzePhase({ node: analyzed, moduleDoc }) {
      const node = analyzed as unknown as TS.Node;
      if (ts.isClassDeclaration(node) && node.name) {
        const doc = (moduleDoc.declarations as Declaration[] | undefined)?.find((d) => d.kind === 'class' && d.name === node.name!.text) as
          CustomElementDeclaration | undefined;
        if (!doc) return;
        const state = stateProperties(node);
        doc.attributes = doc.attributes?.filter((a) => !(a.fieldName && state.has(a.fieldName)));
        for (const member of doc.members ?? []) if (state.has(member.name) && 'attribute' in member) delete member.attribute;
        const variables = variableEventNames(node);
        doc.events = doc.events?.filter((e) => !(variables.has(e.name) && !e.description));
      }
      const definition = guardedDefinition(node);
      if (definition) (moduleDoc.exports ??= []).push(definition);
      if (ts.isInterfaceDeclaration(node) && node.name.text === 'GlobalEventHandlersEventMap') {
        for (const member of node.members) {
          if (!ts.isPropertySignature(member) || !member.type) continue;
          eventTypes.set(member.name.getText().replace(/^['"]|['"]$/g, ''), member.type);
        }
      }
    },
    packageLinkPhase({ customElementsManifest }) {
      // The analyzer's own types leave the manifest untyped (they import the schema by a path NodeNext cannot resolve).
      for (const mod of (customElementsManifest as Package).modules) {
        for (const d of mod.declarations ?? []) {
          if (d.kind !== 'class') continue;
          const isPrivate = (name: string) => name.startsWith('#') || d.members?.some((m) => m.name === name && m.privacy === 'private');
          const element = d as CustomElementDeclaration;
          if (element.attributes) element.attributes = element.attributes.filter((a) => !(a.fieldName && isPrivate(a.fieldName)));
          d.members = d.members?.filter((m) => !isPrivate(m.name));
          for (const event of (d as CustomElementDeclaration).events ?? []) {
            const type = eventTypes.get(event.name);
            if (type) event.type = { text: eventTypeText(type, declarations) };
          }
        }
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------

/** The manifest: the modules that declare or define an element, and the modules of their superclasses. */
export function analyzeElements(root = 'elements'): Package {
  const files = sourceFiles(root);
  // ES2022 so that class fields (`#private`, static blocks) parse as such.
  const modules = files.map((f) => ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.ES2022, true));
  const manifest = create({ modules, plugins: [...litPlugin(), wixElementsPlugin()] });
  // The guarded define() in elements/core/element.ts calls customElements.define(tag, element) with variables: the
  // analyzer records that as an element named "tag". Only a real custom element name (lower case, with a hyphen) is one.
  for (const m of manifest.modules) {
    m.exports = m.exports?.filter((e) => e.kind !== 'custom-element-definition' || /^[a-z][a-z0-9._]*-[a-z0-9._-]*$/.test(e.name));
  }
  const defines = (m: Module) => m.exports?.some((e) => e.kind === 'custom-element-definition');
  const keep = new Set(manifest.modules.filter((m) => m.declarations?.some(isCustomElement) || defines(m)).map((m) => m.path));
  for (const m of manifest.modules) {
    if (!keep.has(m.path)) continue;
    for (const d of m.declarations ?? []) {
      const superModule = d.kind === 'class' ? d.superclass?.module : undefined;
      if (superModule) keep.add(superModule.replace(/^\//, ''));
    }
  }
  manifest.modules = manifest.modules.filter((m) => keep.has(m.path));
  return manifest;
}

export function manifestText(manifest: Package): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Every element in the manifest with its tag, in tag order. */
export function customElements(manifest: Package): { module: Module; element: CustomElementDeclaration & { tagName: string } }[] {
  return manifest.modules
    .flatMap((module) => (module.declarations ?? []).filter(isCustomElement).map((element) => ({ module, element })))
    .filter((e): e is { module: Module; element: CustomElementDeclaration & { tagName: string } } => !!e.element.tagName)
    .sort((a, b) => byName(a.element.tagName, b.element.tagName));
}

// ---------------------------------------------------------------------------------------------------------------
// The README reference.

/** A table cell: one line, pipes escaped. */
const cell = (text: string | undefined) => (text ? oneLine(text).replace(/\|/g, '\\|') : '—');
const code = (text: string) => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);

function table(header: string[], rows: string[][]): string {
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** An attribute's member, when its field is private or protected (not for the README). */
function isInternal(element: CustomElementDeclaration, attribute: Attribute): boolean {
  if (!attribute.fieldName) return false;
  if (attribute.fieldName.startsWith('#')) return true;
  const member = element.members?.find((m) => m.name === attribute.fieldName);
  return member?.privacy === 'private' || member?.privacy === 'protected';
}

/** Code in a table cell: pipes escaped (GitHub reads `\|` inside a code span in a table as `|`). */
const codeCell = (text: string) => code(text).replace(/\|/g, '\\|');

function attributeType(a: Attribute): string {
  const text = a.type?.text?.replace(/\s*\|\s*undefined\b/g, '').trim();
  return text ? codeCell(text) : '—';
}

const isUnset = (value: string | undefined) => value === undefined || value === "''" || value === '""' || value === 'undefined';

/**
 * The default from the field initializer; without one (or with an empty string), a literal the description gives
 * as "(default X)": a number, a quoted string or one word. An empty string is no default.
 */
function attributeDefault(a: Attribute): string {
  let value = a.default;
  if (isUnset(value)) {
    const stated = /\(default:? ([^)]+)\)/i.exec(a.description ?? '')?.[1]?.trim();
    if (stated && /^(-?\d+(\.\d+)?|"[^"]*"|'[^']*'|[\w.#-]+)$/.test(stated)) value = stated;
  }
  if (isUnset(value)) return '—';
  const single = /^'(.*)'$/.exec(value!);
  return codeCell(single ? JSON.stringify(single[1]) : value!);
}

/** The value the example shows: "e.g. `X`", or "…: `X`" when the description gives the example straight after a colon. */
export function exampleValue(a: Attribute): string | undefined {
  const description = a.description ?? '';
  return /\be\.g\.,? `([^`]+)`/.exec(description)?.[1] ?? /^[^`]*:\s*`([^`]+)`/.exec(description)?.[1];
}

/** Attributes a site owner sets in the Editor's "Set Attributes", with example values taken from their descriptions. */
export function editorAttributes(element: CustomElementDeclaration): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const a of publicAttributes(element)) {
    if (TRANSPORT_ATTRIBUTES.has(a.name) || /^read-only\b/i.test(a.description ?? '')) continue;
    const value = exampleValue(a);
    if (value !== undefined) out.push({ name: a.name, value });
  }
  return out;
}

function publicAttributes(element: CustomElementDeclaration): Attribute[] {
  return (element.attributes ?? []).filter((a) => !isInternal(element, a));
}

function firstParagraph(text: string | undefined): string {
  return oneLine((text ?? '').split(/\n\s*\n/)[0] ?? '');
}

function renderElement(element: CustomElementDeclaration & { tagName: string }): string {
  const tag = element.tagName;
  const parts: string[] = [`#### \`<${tag}>\``, '', firstParagraph(element.description || element.summary)];
  const attributes = publicAttributes(element);
  if (attributes.length) {
    parts.push(
      '',
      table(
        ['attribute', 'type', 'default', 'description'],
        attributes.map((a) => [code(a.name), attributeType(a), attributeDefault(a), cell(a.description)]),
      ),
    );
  }
  const events = element.events ?? [];
  if (events.length) {
    const detail = (e: Event) => {
      const m = /^CustomEvent<(.*)>$/.exec(e.type?.text ?? '');
      return m ? codeCell(m[1]!) : '—';
    };
    parts.push(
      '',
      table(
        ['event', 'detail', 'description'],
        events.map((e) => [code(e.name), detail(e), cell(e.description)]),
      ),
    );
  }
  const slots = element.slots ?? [];
  if (slots.length)
    parts.push(
      '',
      table(
        ['slot', 'description'],
        slots.map((s) => [s.name ? code(s.name) : '(default)', cell(s.description)]),
      ),
    );
  const cssParts = element.cssParts ?? [];
  if (cssParts.length)
    parts.push(
      '',
      table(
        ['part', 'description'],
        cssParts.map((p) => [code(p.name), cell(p.description)]),
      ),
    );
  const cssProperties = element.cssProperties ?? [];
  if (cssProperties.length) {
    parts.push(
      '',
      table(
        ['CSS property', 'default', 'description'],
        cssProperties.map((p) => [code(p.name), p.default ? codeCell(p.default) : '—', cell(p.description)]),
      ),
    );
  }
  const example = editorAttributes(element);
  parts.push(
    '',
    `Wix Editor: **Custom Element** → **Server URL** \`…/${tag}.js\`, **Tag Name** \`${tag}\`` +
      (example.length ? ', then **Set Attributes**:' : '; no attributes are needed.'),
  );
  if (example.length)
    parts.push(
      '',
      table(
        ['name', 'value'],
        example.map((a) => [code(a.name), codeCell(a.value)]),
      ),
    );
  return parts.join('\n');
}

/** The generated reference, markers included. */
export function renderReference(manifest: Package): string {
  const elements = customElements(manifest);
  return [
    START_MARKER,
    "<!-- Generated by `npm run manifest` from custom-elements.json (the elements' JSDoc). Edit the JSDoc, not this section. -->",
    '',
    '### Element reference',
    '',
    `${elements.length} elements, from \`custom-elements.json\`. \`npm run build\` writes each as a self-contained ES module, ` +
      "`dist/editor/<tag>.js` (the file for the Editor's Server URL), and as an entry of the shared-chunk build, " +
      '`dist/editor/shared/<tag>.js`, whose `chunks/` (Lit, the SDK, the session layer) a page with several elements loads once; ' +
      'host that directory as it is.',
    '',
    elements.map((e) => renderElement(e.element)).join('\n\n'),
    END_MARKER,
  ].join('\n');
}

/** The README with the reference replaced between the markers (which must be there, once each). */
export function withReference(readme: string, reference: string): string {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start || readme.indexOf(START_MARKER, start + 1) >= 0) {
    throw new Error(`${README_FILE} needs one ${START_MARKER} … ${END_MARKER} section`);
  }
  return readme.slice(0, start) + reference + readme.slice(end + END_MARKER.length);
}

/** What `npm run manifest` would write now. */
export function generate(root = 'elements', readmeFile = README_FILE): { manifest: string; readme: string } {
  const manifest = analyzeElements(root);
  return { manifest: manifestText(manifest), readme: withReference(readFileSync(readmeFile, 'utf8'), renderReference(manifest)) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const next = generate();
  const stale = [
    [MANIFEST_FILE, next.manifest],
    [README_FILE, next.readme],
  ].filter(([file, text]) => {
    let current = '';
    try {
      current = readFileSync(file!, 'utf8');
    } catch {
      // missing: stale
    }
    return current !== text;
  });
  if (process.argv.includes('--check')) {
    for (const [file] of stale) console.error(`${file} is stale: run npm run manifest`);
    if (!stale.length) console.log(`${MANIFEST_FILE} and ${README_FILE} are up to date`);
    process.exitCode = stale.length ? 1 : 0;
  } else {
    for (const [file, text] of stale) writeFileSync(file!, text!);
    console.log(stale.length ? `wrote ${stale.map(([f]) => f).join(', ')}` : `${MANIFEST_FILE} and ${README_FILE} are up to date`);
  }
}
