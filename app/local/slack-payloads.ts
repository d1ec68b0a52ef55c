/**
 * Requests Slack sends to an app, built the way Slack builds them, for the local page (`npm start`): slash
 * commands (a form body), and `block_actions`, `view_submission` and `view_closed` interactions (a form body
 * with one JSON `payload` field). Pure functions: the caller mints trigger_ids, response URLs and signatures.
 *
 * Slack generates a `block_id` (and an `action_id`) for every block (element) an app left without one, and
 * interaction payloads name those generated ids. The stand-in stores blocks as posted, so
 * {@link withGeneratedIds} fills them in, deterministically, and every payload uses the filled-in blocks.
 */
import type { StandinBlock, StandinMessage, StandinText, StandinView } from './slack-standin';

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

/** Where an interactive element sits: block index, then element index in an actions block, or its accessory. */
export interface ElementPath {
  readonly block: number;
  readonly element: number | 'accessory';
}

/** A Block Kit element as stored (validated JSON, loosely typed). */
export type BlockElement = Readonly<Record<string, unknown>> & { readonly type: string };

/** An element found by {@link locateElement}, with the ids Slack reports for it. */
export interface LocatedElement {
  readonly blockId: string;
  readonly actionId: string;
  readonly element: BlockElement;
}

/** A value typed into a modal's input block, keyed by the input block's id. */
export interface InputValue {
  readonly blockId: string;
  /** Text inputs (plain, number, email, url). */
  readonly value?: string;
  /** Option values of a static select, radio buttons or checkboxes. */
  readonly selected?: readonly string[];
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
const INTERACTIVE = new Set(['button', 'overflow', 'static_select', 'radio_buttons', 'checkboxes']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

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
    if (copy.accessory !== undefined) copy.accessory = fill(copy.accessory, 'accessory');
    if (copy.element !== undefined) copy.element = fill(copy.element, 'input');
    return copy as StandinBlock;
  });
}

/** The interactive element at `path` in blocks that went through {@link withGeneratedIds}. */
export function locateElement(blocks: readonly StandinBlock[], path: ElementPath): LocatedElement {
  const block = blocks[path.block];
  const candidate =
    block === undefined
      ? undefined
      : path.element === 'accessory'
        ? block.accessory
        : block.type === 'actions'
          ? elementsOf(block)[path.element]
          : undefined;
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

function optionsOf(element: BlockElement): OptionObject[] {
  const options: unknown[] = [];
  if (Array.isArray(element.options)) options.push(...element.options);
  if (Array.isArray(element.option_groups)) {
    for (const group of element.option_groups) {
      if (isRecord(group) && Array.isArray(group.options)) options.push(...group.options);
    }
  }
  return options.filter((o): o is OptionObject => isRecord(o) && typeof o.value === 'string');
}

function pickOptions(element: BlockElement, values: readonly string[]): OptionObject[] {
  const options = optionsOf(element);
  return values.map((value) => {
    const option = options.find((o) => o.value === value);
    if (!option) throw new SlackPayloadError('NoSuchOption', 'That option is not offered by this menu.');
    return structuredClone(option);
  });
}

/**
 * The `actions[0]` entry of a `block_actions` payload for a used element: a button's text, value and style;
 * the chosen option of an overflow menu, static select or radio buttons; the ticked options of checkboxes.
 * Options are taken from the element itself, so the page can only choose among those offered.
 */
export function elementAction(
  located: LocatedElement,
  selected: readonly string[],
  actionTs: string,
): Record<string, unknown> {
  const { element } = located;
  const base = { type: element.type, action_id: located.actionId, block_id: located.blockId };
  switch (element.type) {
    case 'button':
      return {
        ...base,
        text: structuredClone(element.text),
        ...(typeof element.value === 'string' ? { value: element.value } : {}),
        ...(typeof element.style === 'string' ? { style: element.style } : {}),
        action_ts: actionTs,
      };
    case 'checkboxes':
      return { ...base, selected_options: pickOptions(element, selected), action_ts: actionTs };
    default: {
      const [option] = pickOptions(element, selected.slice(0, 1));
      if (!option) throw new SlackPayloadError('NoSuchOption', 'Choose one of the options.');
      return {
        ...base,
        selected_option: option,
        ...(element.placeholder !== undefined ? { placeholder: structuredClone(element.placeholder) } : {}),
        action_ts: actionTs,
      };
    }
  }
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

/** What a `block_actions` interaction came from. */
export type ActionSource =
  | {
      readonly kind: 'message';
      readonly channel: PayloadChannel;
      readonly message: StandinMessage;
      readonly responseUrl: string;
    }
  | {
      readonly kind: 'ephemeral';
      readonly channel: PayloadChannel;
      readonly messageTs: string;
      readonly responseUrl: string;
    }
  | { readonly kind: 'view'; readonly view: StandinView; readonly state: Record<string, unknown> };

/**
 * A `block_actions` payload. A message click carries the message (blocks with Slack's generated ids), the
 * channel and a response_url; a click in an ephemeral message only its ts (Slack does not send ephemeral
 * messages back); a click in a modal the view with the state of its inputs.
 */
export function blockActionsPayload(input: {
  identity: PayloadIdentity;
  user: PayloadUser;
  source: ActionSource;
  action: Record<string, unknown>;
  triggerId: string;
}): Record<string, unknown> {
  const { source } = input;
  const base = { type: 'block_actions', ...common(input.identity, input.user), trigger_id: input.triggerId };
  if (source.kind === 'view') {
    return {
      ...base,
      container: { type: 'view', view_id: source.view.id },
      view: viewWithState(source.view, source.state),
      actions: [input.action],
    };
  }
  const where = {
    channel: { id: source.channel.id, name: source.channel.name },
    state: { values: {} },
    response_url: source.responseUrl,
    actions: [input.action],
  };
  if (source.kind === 'ephemeral') {
    return {
      ...base,
      container: {
        type: 'message',
        message_ts: source.messageTs,
        channel_id: source.channel.id,
        is_ephemeral: true,
      },
      ...where,
    };
  }
  const { channel: _channel, metadata: _metadata, ...message } = source.message;
  return {
    ...base,
    container: {
      type: 'message',
      message_ts: source.message.ts,
      channel_id: source.channel.id,
      is_ephemeral: false,
    },
    message: { ...structuredClone(message), blocks: withGeneratedIds(source.message.blocks) },
    ...where,
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

/** A `view_closed` payload, sent only for views opened with `notify_on_close`. */
export function viewClosedPayload(input: {
  identity: PayloadIdentity;
  user: PayloadUser;
  view: StandinView;
  values: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    type: 'view_closed',
    ...common(input.identity, input.user),
    view: viewWithState(input.view, input.values),
    is_cleared: false,
  };
}

const TEXT_INPUTS = new Set(['plain_text_input', 'number_input', 'email_text_input', 'url_text_input']);

function labelOf(block: StandinBlock): string {
  return isRecord(block.label) && typeof block.label.text === 'string' ? block.label.text : 'This field';
}

function checkText(element: BlockElement, value: string): string | undefined {
  const min = typeof element.min_length === 'number' ? element.min_length : undefined;
  const max = typeof element.max_length === 'number' ? element.max_length : undefined;
  const length = [...value].length;
  if (min !== undefined && length < min) return `Enter at least ${min} characters.`;
  if (max !== undefined && length > max) return `Enter at most ${max} characters.`;
  if (element.type === 'number_input') {
    const pattern = element.is_decimal_allowed === true ? /^-?\d+(\.\d+)?$/ : /^-?\d+$/;
    if (!pattern.test(value))
      return element.is_decimal_allowed === true ? 'Enter a number.' : 'Enter a whole number.';
    const number = Number(value);
    if (typeof element.min_value === 'string' && number < Number(element.min_value))
      return `Enter ${element.min_value} or more.`;
    if (typeof element.max_value === 'string' && number > Number(element.max_value))
      return `Enter ${element.max_value} or less.`;
  }
  if (element.type === 'email_text_input' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value))
    return 'Enter an email address.';
  if (element.type === 'url_text_input' && !/^https?:\/\/\S+$/.test(value)) return 'Enter a URL.';
  return undefined;
}

/**
 * `view.state.values` for the given inputs, in Slack's shape (`{ [block_id]: { [action_id]: { type, value } } }`,
 * `selected_option(s)` for menus), plus the errors Slack's own client shows before anything is sent: an empty
 * required input, a text too short or too long, a malformed number, email or URL. Blocks must have been through
 * {@link withGeneratedIds}.
 */
export function viewStateValues(
  blocks: readonly StandinBlock[],
  inputs: readonly InputValue[],
): { values: Record<string, Record<string, unknown>>; errors: Record<string, string> } {
  const values: Record<string, Record<string, unknown>> = {};
  const errors: Record<string, string> = {};
  for (const block of blocks) {
    if (block.type !== 'input' || !isRecord(block.element) || typeof block.element.type !== 'string')
      continue;
    const element = block.element as BlockElement;
    const blockId = String(block.block_id);
    const actionId = String(element.action_id);
    const given = inputs.find((input) => input.blockId === blockId);
    const optional = block.optional === true;
    let state: Record<string, unknown>;
    let empty: boolean;
    if (TEXT_INPUTS.has(element.type)) {
      const value = given?.value ?? '';
      empty = value.trim() === '';
      state = { type: element.type, value: empty ? null : value };
      const problem = empty ? undefined : checkText(element, value);
      if (problem) errors[blockId] = problem;
    } else if (element.type === 'checkboxes') {
      const chosen = pickOptions(element, given?.selected ?? []);
      empty = chosen.length === 0;
      state = { type: element.type, selected_options: chosen };
    } else if (element.type === 'static_select' || element.type === 'radio_buttons') {
      const [chosen] = pickOptions(element, (given?.selected ?? []).slice(0, 1));
      empty = chosen === undefined;
      state = { type: element.type, selected_option: chosen ?? null };
    } else {
      // Date pickers, user/channel selects…: the page cannot fill them, so Slack's view of them is "unset".
      empty = true;
      state = { type: element.type };
      if (!optional) errors[blockId] = `${labelOf(block)} cannot be filled in on the local page.`;
    }
    if (empty && !optional && errors[blockId] === undefined) errors[blockId] = 'Please fill out this field.';
    values[blockId] = { [actionId]: state };
  }
  return { values, errors };
}
