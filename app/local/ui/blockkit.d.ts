/**
 * Types of blockkit.js (a classic browser script, also loadable with require) for the TypeScript tests.
 * The project compiles without the DOM library, so the few DOM members the renderer uses are declared here.
 */

/** The DOM members blockkit.js uses. */
export interface RendererNode {
  appendChild(child: RendererNode): RendererNode;
  textContent: string | null;
}

export interface RendererElement extends RendererNode {
  setAttribute(name: string, value: string): void;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  removeAttribute(name: string): void;
  addEventListener(type: string, listener: () => void): void;
  value: string;
  selected: boolean;
}

export interface RendererDocument {
  createElement(tag: string): RendererElement;
  createTextNode(text: string): RendererNode;
}

/** A node of parsed mrkdwn. */
export type MrkdwnNode =
  | { type: 'text'; text: string }
  | { type: 'bold' | 'italic' | 'strike' | 'code' | 'pre' | 'quote'; children: MrkdwnNode[] }
  | { type: 'link'; url: string; children: MrkdwnNode[] }
  | { type: 'mention'; kind: 'user' | 'channel' | 'broadcast' | 'group'; text: string }
  | { type: 'date'; text: string; fallback: string; url?: string };

export interface MrkdwnOptions {
  userName?(id: string): string | undefined;
  channelName?(id: string): string | undefined;
  formatDate?(epochSeconds: number, format: string): string | null;
}

export interface TextObject {
  type: 'plain_text' | 'mrkdwn';
  text: string;
}

export interface ElementClick {
  path: { block: number; element: number | 'accessory' };
  actionId: string;
  selected: string[];
}

export interface BlockContext {
  mrkdwn?: MrkdwnOptions;
  onAction?(click: ElementClick): void;
  confirm?(dialog: unknown): boolean;
  openUrl?(url: string): void;
  /** Render input blocks as form controls (modals). */
  inputs?: boolean;
  /** Error messages under input blocks, by block id. */
  errors?: Record<string, string>;
}

export function parseMrkdwn(text: string, options?: MrkdwnOptions): MrkdwnNode[];
export function plainTextOf(text: TextObject | undefined, options?: MrkdwnOptions): string;
export function formatSlackDate(
  epochSeconds: number,
  format: string,
  options?: { now?: number; timeZone?: string; locale?: string },
): string | null;
export function safeUrl(url: unknown): string | null;
export function renderText(
  doc: RendererDocument,
  text: TextObject | undefined,
  options?: MrkdwnOptions,
  className?: string,
): RendererElement;
export function renderBlocks(
  doc: RendererDocument,
  blocks: readonly unknown[],
  ctx?: BlockContext,
): RendererElement;
export function confirmText(dialog: unknown, options?: MrkdwnOptions): string;
