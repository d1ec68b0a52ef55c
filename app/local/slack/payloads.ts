/**
 * Requests Slack sends to an app, built the way Slack builds them, for the local page (`npm start`): slash
 * commands (a form body), and `block_actions` and `view_submission` interactions (a form body with one JSON
 * `payload` field). Only what InfraWatch's messages and modals offer: buttons and overflow menus on channel
 * messages, plain-text inputs in modals. Pure functions: the caller mints trigger_ids and signs.
 *
 * Slack generates a `block_id` (and an `action_id`) for every block (element) an app left without one, and
 * interaction payloads name those generated ids. The stand-in stores blocks as posted, so
 * {@link withGeneratedIds} fills them in, deterministically, and every payload uses the filled-in blocks.
 */

import { isRecord } from '../../../src/json';
import type { StandinBlock, StandinMessage, StandinText, StandinView } from './types';

/** The workspace and app a request comes from (the stand-in's identity). */
export interface PayloadIdentity {
  readonly teamId: string;
  readonly teamDomain: string;
  readonly appId: string;
}

/** The person who clicked or typed. */
export interface PayloadUser {
  readonly id: string;
  readonly name: string;
}

/** A conversation, as payloads name it. */
export interface PayloadChannel {
  readonly id: string;
  readonly name: string;
}

/** Where an interactive element sits: block index, then element index in an actions block. */
export interface ElementPath {
  readonly block: number;
  readonly element: number;
}

/** A Block Kit element as stored (validated JSON, loosely typed). */
export type BlockElement = Readonly<Record<string, unknown>> & { readonly type: string };

/** An element found by {@link locateElement}, with the ids Slack reports for it. */
export interface LocatedElement {
  readonly blockId: string;
  readonly actionId: string;
  readonly element: BlockElement;
}

/** A value typed into a modal's plain-text input, keyed by the input block's id. */
export interface InputValue {
  readonly blockId: string;
  readonly value?: string;
}

/** A refused local request: the page sent something the message or view does not offer. */
export class SlackPayloadError extends Error {
  constructor(
    readonly code: 'NoSuchElement' | 'NoSuchOption' | 'NotInteractive',
    message: string,
  ) {
    super(message);
    this.name = 'SlackPayloadError';
  }
}

/** Element types that send `block_actions` when used, and are rendered as such by the local page. */
const INTERACTIVE = new Set(['button', 'overflow']);

function elementsOf(block: StandinBlock): BlockElement[] {
  const elements = block.elements;
  return Array.isArray(elements) ? elements.filter((e): e is BlockElement => isRecord(e)) : [];
}

/**
 * Blocks with every missing `block_id` and interactive `action_id` filled in (`b<index>`, `a<block>-<element>`),
 * as Slack does when it stores a message or a view. Existing ids are kept.
 */
export function withGeneratedIds(blocks: readonly StandinBlock[] | undefined): StandinBlock[] {
  return (blocks ?? []).map((block, index) => {
    const copy: Record<string, unknown> = { ...structuredClone(block) };
    copy.block_id =
      typeof block.block_id === 'string' && block.block_id !== '' ? block.block_id : `b${index}`;
    const fill = (element: unknown, key: string): unknown =>
      isRecord(element) && typeof element.type === 'string' && element.action_id === undefined
        ? { ...element, action_id: `a${index}-${key}` }
        : element;
    if (Array.isArray(copy.elements) && block.type === 'actions') {
      copy.elements = copy.elements.map((element, i) => fill(element, String(i)));
    }
    if (copy.element !== undefined) copy.element = fill(copy.element, 'input');
    return copy as StandinBlock;
  });
}

/** The interactive element at `path` in blocks that went through {@link withGeneratedIds}. */
export function locateElement(blocks: readonly StandinBlock[], path: ElementPath): LocatedElement {
  const block = blocks[path.block];
  const candidate = block?.type === 'actions' ? elementsOf(block)[path.element] : undefined;
  if (block === undefined || !isRecord(candidate) || typeof candidate.type !== 'string') {
    throw new SlackPayloadError('NoSuchElement', 'There is no such element in this message or view.');
  }
  const element = candidate as BlockElement;
  if (!INTERACTIVE.has(element.type)) {
    throw new SlackPayloadError('NotInteractive', `A ${element.type} element cannot be used here.`);
  }
  return { blockId: String(block.block_id), actionId: String(element.action_id), element };
}

interface OptionObject {
  readonly text: StandinText;
  readonly value: string;
  readonly description?: StandinText;
  readonly url?: string;
}

function pickOption(element: BlockElement, value: string | undefined): OptionObject {
  const options = Array.isArray(element.options) ? element.options : [];
  const option = options.find((o): o is OptionObject => isRecord(o) && o.value === value);
  if (!option) throw new SlackPayloadError('NoSuchOption', 'That option is not offered by this menu.');
  return structuredClone(option);
}

/**
 * The `actions[0]` entry of a `block_actions` payload for a used element: a button's text, value and style, or
 * the chosen option of an overflow menu, taken from the element itself so the page can only choose among those
 * offered.
 */
export function elementAction(
  located: LocatedElement,
  selected: readonly string[],
  actionTs: string,
): Record<string, unknown> {
  const { element } = located;
  const base = { type: element.type, action_id: located.actionId, block_id: located.blockId };
  if (element.type === 'overflow') {
    return { ...base, selected_option: pickOption(element, selected[0]), action_ts: actionTs };
  }
  return {
    ...base,
    text: structuredClone(element.text),
    ...(typeof element.value === 'string' ? { value: element.value } : {}),
    ...(typeof element.style === 'string' ? { style: element.style } : {}),
    action_ts: actionTs,
  };
}

/** Slack's action_ts / message ts form: seconds with six decimals. */
export function slackTimestamp(ms: number): string {
  return (ms / 1000).toFixed(6);
}

/** A form body with the payload as JSON, as Slack posts interactions. */
export function interactionBody(payload: object): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** The form body of a slash command. */
export function slashCommandBody(input: {
  identity: PayloadIdentity;
  user: PayloadUser;
  channel: PayloadChannel;
  command: string;
  text: string;
  triggerId: string;
  responseUrl: string;
}): string {
  return new URLSearchParams({
    // Slack still sends the deprecated verification token; apps verify the signature instead.
    token: 'local-verification-token',
    team_id: input.identity.teamId,
    team_domain: input.identity.teamDomain,
    channel_id: input.channel.id,
    channel_name: input.channel.name,
    user_id: input.user.id,
    user_name: input.user.name,
    command: input.command,
    text: input.text,
    api_app_id: input.identity.appId,
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: input.triggerId,
  }).toString();
}

function common(identity: PayloadIdentity, user: PayloadUser) {
  return {
    user: { id: user.id, username: user.name, name: user.name, team_id: identity.teamId },
    api_app_id: identity.appId,
    token: 'local-verification-token',
    team: { id: identity.teamId, domain: identity.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
  };
}

/** A `block_actions` payload for a click on a channel message: the message (blocks with Slack's generated ids). */
export function blockActionsPayload(input: {
  identity: PayloadIdentity;
  user: PayloadUser;
  channel: PayloadChannel;
  message: StandinMessage;
  responseUrl: string;
  action: Record<string, unknown>;
  triggerId: string;
}): Record<string, unknown> {
  const { channel, message } = input;
  const { channel: _channel, metadata: _metadata, ...shown } = message;
  return {
    type: 'block_actions',
    ...common(input.identity, input.user),
    trigger_id: input.triggerId,
    container: { type: 'message', message_ts: message.ts, channel_id: channel.id, is_ephemeral: false },
    message: { ...structuredClone(shown), blocks: withGeneratedIds(message.blocks) },
    channel: { id: channel.id, name: channel.name },
    state: { values: {} },
    response_url: input.responseUrl,
    actions: [input.action],
  };
}

function viewWithState(view: StandinView, values: Record<string, unknown>): Record<string, unknown> {
  return { ...structuredClone(view), blocks: withGeneratedIds(view.blocks), state: { values } };
}

/** A `view_submission` payload: the view, its input state, and no response URLs (none are requested). */
export function viewSubmissionPayload(input: {
  identity: PayloadIdentity;
  user: PayloadUser;
  view: StandinView;
  values: Record<string, unknown>;
  triggerId: string;
}): Record<string, unknown> {
  return {
    type: 'view_submission',
    ...common(input.identity, input.user),
    trigger_id: input.triggerId,
    view: viewWithState(input.view, input.values),
    response_urls: [],
  };
}

/**
 * `view.state.values` for the given inputs, in Slack's shape (`{ [block_id]: { [action_id]: { type, value } } }`),
 * plus the errors Slack's own client shows before anything is sent: an empty required input, a text too short or
 * too long. Blocks must have been through {@link withGeneratedIds}.
 */
export function viewStateValues(
  blocks: readonly StandinBlock[],
  inputs: readonly InputValue[],
): { values: Record<string, Record<string, unknown>>; errors: Record<string, string> } {
  const values: Record<string, Record<string, unknown>> = {};
  const errors: Record<string, string> = {};
  for (const block of blocks) {
    if (block.type !== 'input' || !isRecord(block.element)) continue;
    const element = block.element as BlockElement;
    const blockId = String(block.block_id);
    if (element.type !== 'plain_text_input') {
      errors[blockId] = `A ${element.type} input cannot be filled in on the local page.`;
      continue;
    }
    const value = inputs.find((input) => input.blockId === blockId)?.value ?? '';
    const empty = value.trim() === '';
    values[blockId] = { [String(element.action_id)]: { type: element.type, value: empty ? null : value } };
    const length = [...value].length;
    if (empty && block.optional !== true) errors[blockId] = 'Please fill out this field.';
    else if (!empty && typeof element.min_length === 'number' && length < element.min_length)
      errors[blockId] = `Enter at least ${element.min_length} characters.`;
    else if (!empty && typeof element.max_length === 'number' && length > element.max_length)
      errors[blockId] = `Enter at most ${element.max_length} characters.`;
  }
  return { values, errors };
}
