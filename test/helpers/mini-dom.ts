/**
 * A minimal DOM for testing the local page's renderer (app/local/ui/blockkit.js) without a browser: elements,
 * text nodes, attributes and click listeners, serialised to HTML the way a browser would. Every way of parsing
 * HTML (innerHTML, outerHTML, insertAdjacentHTML) throws, so a renderer that tried would fail its test.
 */
import type { RendererDocument, RendererElement, RendererNode } from '../../app/local/ui/blockkit';

export class HtmlParsingAttemptError extends Error {
  readonly code = 'HtmlParsingAttempt';
}

// Browsers escape < and > in attribute values too since 2025 (HTML spec change), and so does this serialiser.
function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export abstract class MiniNode implements RendererNode {
  readonly childNodes: MiniNode[] = [];
  parentNode: MiniNode | null = null;

  appendChild(child: RendererNode): RendererNode {
    const node = child as MiniNode;
    node.parentNode?.childNodes.splice(node.parentNode.childNodes.indexOf(node), 1);
    node.parentNode = this;
    this.childNodes.push(node);
    return node;
  }

  get textContent(): string | null {
    return this.childNodes.map((child) => child.textContent ?? '').join('');
  }

  set textContent(text: string | null) {
    for (const child of this.childNodes) child.parentNode = null;
    this.childNodes.length = 0;
    if (text !== null && text !== '') this.appendChild(new MiniText(String(text)));
  }

  abstract toHtml(): string;
}

export class MiniText extends MiniNode {
  constructor(public data: string) {
    super();
  }

  override get textContent(): string | null {
    return this.data;
  }

  override set textContent(text: string | null) {
    this.data = text ?? '';
  }

  toHtml(): string {
    return this.data.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  }
}

export class MiniElement extends MiniNode implements RendererElement {
  readonly attributes = new Map<string, string>();
  readonly listeners = new Map<string, (() => void)[]>();
  value = '';
  selected = false;

  constructor(readonly tagName: string) {
    super();
  }

  setAttribute(name: string, value: string): void {
    this.attributes.set(name.toLowerCase(), String(value));
  }

  getAttribute(name: string): string | null {
    return this.attributes.get(name.toLowerCase()) ?? null;
  }

  hasAttribute(name: string): boolean {
    return this.attributes.has(name.toLowerCase());
  }

  removeAttribute(name: string): void {
    this.attributes.delete(name.toLowerCase());
  }

  addEventListener(type: string, listener: () => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  /** Runs the listeners of `type` (a click, a change). */
  dispatch(type: string): void {
    for (const listener of this.listeners.get(type) ?? []) listener();
  }

  set innerHTML(_html: string) {
    throw new HtmlParsingAttemptError('innerHTML was assigned');
  }

  set outerHTML(_html: string) {
    throw new HtmlParsingAttemptError('outerHTML was assigned');
  }

  insertAdjacentHTML(): void {
    throw new HtmlParsingAttemptError('insertAdjacentHTML was called');
  }

  toHtml(): string {
    const attributes = [...this.attributes]
      .map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`)
      .join('');
    return `<${this.tagName}${attributes}>${this.childNodes.map((child) => child.toHtml()).join('')}</${this.tagName}>`;
  }

  /** This element and every element below it, depth first. */
  *elements(): Generator<MiniElement> {
    yield this;
    for (const child of this.childNodes) if (child instanceof MiniElement) yield* child.elements();
  }
}

export class MiniDocument implements RendererDocument {
  createElement(tag: string): MiniElement {
    return new MiniElement(tag.toLowerCase());
  }

  createTextNode(text: string): MiniText {
    return new MiniText(String(text));
  }
}
