/**
 * Block Kit validation the way Slack's Web API applies it, so the local stand-in rejects what Slack
 * would reject instead of letting a malformed alert pass every test and fail in a real workspace.
 *
 * The rules are data: one spec per block type and per element type (limits from the Block Kit
 * reference). Each problem is reported with a JSON pointer in Slack's own wording, e.g.
 * `must be less than 3001 characters [json-pointer:/blocks/0/text/text]`.
 */

/** One problem found in a Block Kit payload, located by a JSON pointer into the request. */
export interface BlockKitIssue {
  readonly message: string;
  readonly pointer: string;
}

/** Slack caps a message at 50 blocks and a modal at 100. */
export const MESSAGE_BLOCK_LIMIT = 50;
export const MODAL_BLOCK_LIMIT = 100;

/** Renders an issue as Slack does in `errors` and (prefixed with `[ERROR] `) in `response_metadata.messages`. */
export function formatIssue(issue: BlockKitIssue): string {
  return `${issue.message} [json-pointer:${issue.pointer}]`;
}

/** Validates the `blocks` of a message (chat.postMessage, chat.update, chat.postEphemeral). */
export function validateMessageBlocks(blocks: readonly unknown[], pointer = '/blocks'): BlockKitIssue[] {
  const ctx = newContext();
  validateBlockList(blocks, pointer, MESSAGE_BLOCK_LIMIT, ctx);
  return ctx.issues;
}

/** Validates a modal view payload (views.open). */
export function validateModalView(view: unknown, pointer = '/view'): BlockKitIssue[] {
  const ctx = newContext();
  if (!isRecord(view)) {
    ctx.issues.push({ message: 'must provide an object', pointer });
    return ctx.issues;
  }
  validateObject(view, MODAL_SPEC, pointer, ctx);
  const blocks = view.blocks;
  if (Array.isArray(blocks)) {
    validateBlockList(blocks, `${pointer}/blocks`, MODAL_BLOCK_LIMIT, ctx);
    // Slack refuses a modal whose input blocks could never be submitted.
    if (view.submit === undefined || view.submit === null) {
      blocks.forEach((block, index) => {
        if (isRecord(block) && block.type === 'input') {
          ctx.issues.push({
            message: 'must define `submit` to use an `input` block in modals',
            pointer: `${pointer}/blocks/${index}/input`,
          });
        }
      });
    }
  }
  return ctx.issues;
}

type TextType = 'plain_text' | 'mrkdwn';

type FieldSpec =
  | { readonly kind: 'string'; readonly max?: number; readonly min?: number }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'number'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'text'; readonly types: readonly TextType[]; readonly max: number }
  | { readonly kind: 'list'; readonly item: FieldSpec; readonly min?: number; readonly max?: number }
  | { readonly kind: 'object'; readonly spec: ObjectSpec }
  | { readonly kind: 'element'; readonly allowed: readonly string[] }
  | { readonly kind: 'id'; readonly scope: 'block_id' | 'action_id' }
  | { readonly kind: 'any' };

interface ObjectSpec {
  readonly fields: Readonly<Record<string, FieldSpec>>;
  readonly required?: readonly string[];
  /** At least one field of each group must be present. */
  readonly oneOf?: readonly (readonly string[])[];
}

interface Context {
  readonly issues: BlockKitIssue[];
  /** block_id must be unique across the message or view. */
  readonly blockIds: Set<string>;
  /** action_id must be unique among the elements of one block. */
  actionIds: Set<string>;
}

function newContext(): Context {
  return { issues: [], blockIds: new Set(), actionIds: new Set() };
}

const str = (max?: number, min?: number): FieldSpec => ({ kind: 'string', max, min });
const oneOfValues = (...values: string[]): FieldSpec => ({ kind: 'enum', values });
const bool: FieldSpec = { kind: 'boolean' };
const num = (min?: number, max?: number): FieldSpec => ({ kind: 'number', min, max });
const plain = (max: number): FieldSpec => ({ kind: 'text', types: ['plain_text'], max });
const anyText = (max: number): FieldSpec => ({ kind: 'text', types: ['plain_text', 'mrkdwn'], max });
const list = (item: FieldSpec, min?: number, max?: number): FieldSpec => ({ kind: 'list', item, min, max });
const obj = (spec: ObjectSpec): FieldSpec => ({ kind: 'object', spec });
const element = (allowed: readonly string[]): FieldSpec => ({ kind: 'element', allowed });
const anyValue: FieldSpec = { kind: 'any' };
const blockId: FieldSpec = { kind: 'id', scope: 'block_id' };
const actionId: FieldSpec = { kind: 'id', scope: 'action_id' };

/** Slack's limit on every block_id and action_id. */
const ID_MAX = 255;
/** Slack's limit on a text object's `text` when the field sets none of its own. */
const TEXT_MAX = 3000;

const style = oneOfValues('primary', 'danger');

const CONFIRM = obj({
  fields: { title: plain(100), text: anyText(300), confirm: plain(30), deny: plain(30), style },
  required: ['title', 'text', 'confirm', 'deny'],
});

/** Options of overflow menus: plain_text only. */
const MENU_OPTION = obj({
  fields: { text: plain(75), value: str(150), description: plain(75), url: str(3000) },
  required: ['text'],
});

/**
 * The elements and blocks InfraWatch renders (src/views), with Slack's limits. Slack knows many more (selects,
 * date pickers, images, rich text…); the stand-in refuses those by name rather than accept them unchecked, so a
 * renderer that starts using one fails here until its rules are added.
 */
const ELEMENTS: Readonly<Record<string, ObjectSpec>> = {
  button: {
    fields: {
      text: plain(75),
      action_id: actionId,
      url: str(3000),
      value: str(2000),
      style,
      confirm: CONFIRM,
      accessibility_label: str(75),
    },
    required: ['text'],
  },
  overflow: {
    fields: { action_id: actionId, options: list(MENU_OPTION, 2, 5), confirm: CONFIRM },
    required: ['options'],
  },
  plain_text_input: {
    fields: {
      action_id: actionId,
      placeholder: plain(150),
      focus_on_load: bool,
      initial_value: str(),
      multiline: bool,
      min_length: num(0, 3000),
      max_length: num(1, 3000),
    },
  },
};

const BLOCKS: Readonly<Record<string, ObjectSpec>> = {
  section: {
    fields: {
      block_id: blockId,
      text: anyText(3000),
      fields: list(anyText(2000), 1, 10),
      accessory: element(['button', 'overflow']),
      expand: bool,
    },
    oneOf: [['text', 'fields']],
  },
  divider: { fields: { block_id: blockId } },
  header: { fields: { block_id: blockId, text: plain(150) }, required: ['text'] },
  context: {
    // Context blocks hold bare text objects (and images, which InfraWatch does not send).
    fields: { block_id: blockId, elements: list(element(['plain_text', 'mrkdwn']), 1, 10) },
    required: ['elements'],
  },
  actions: {
    fields: { block_id: blockId, elements: list(element(['button', 'overflow']), 1, 25) },
    required: ['elements'],
  },
  input: {
    fields: {
      block_id: blockId,
      label: plain(2000),
      element: element(['plain_text_input']),
      hint: plain(2000),
      optional: bool,
      dispatch_action: bool,
    },
    required: ['label', 'element'],
  },
};

const MODAL_SPEC: ObjectSpec = {
  fields: {
    type: oneOfValues('modal'),
    title: plain(24),
    blocks: { kind: 'list', item: anyValue },
    close: plain(24),
    submit: plain(24),
    private_metadata: str(3000),
    callback_id: str(255),
    external_id: str(255),
    clear_on_close: bool,
    notify_on_close: bool,
    submit_disabled: bool,
  },
  required: ['type', 'title', 'blocks'],
};

function validateBlockList(blocks: readonly unknown[], pointer: string, limit: number, ctx: Context): void {
  if (blocks.length > limit) {
    ctx.issues.push({ message: `no more than ${limit} items allowed`, pointer });
  }
  blocks.forEach((block, index) => {
    ctx.actionIds = new Set();
    validateTyped(block, `${pointer}/${index}`, BLOCKS, undefined, ctx);
  });
}

/** Validates an object dispatched on its `type` (a block, an element, or a context element). */
function validateTyped(
  value: unknown,
  pointer: string,
  registry: Readonly<Record<string, ObjectSpec>>,
  allowed: readonly string[] | undefined,
  ctx: Context,
): void {
  if (!isRecord(value)) {
    ctx.issues.push({ message: 'must provide an object', pointer });
    return;
  }
  const type = value.type;
  if (type === undefined) {
    ctx.issues.push({ message: 'missing required field: type', pointer });
    return;
  }
  if (typeof type !== 'string') {
    ctx.issues.push({ message: 'must provide a string', pointer: `${pointer}/type` });
    return;
  }
  if (type === 'plain_text' || type === 'mrkdwn') {
    if (allowed?.includes(type)) {
      validateText(value, ['plain_text', 'mrkdwn'], TEXT_MAX, pointer, ctx);
    } else {
      ctx.issues.push({ message: 'failed to match all allowed schemas', pointer });
    }
    return;
  }
  const spec = registry[type];
  if (spec === undefined) {
    ctx.issues.push({ message: `unsupported type: ${type}`, pointer: `${pointer}/type` });
    return;
  }
  if (allowed !== undefined && !allowed.includes(type)) {
    ctx.issues.push({ message: 'failed to match all allowed schemas', pointer });
    return;
  }
  validateObject(value, spec, pointer, ctx);
}

function validateObject(
  value: Record<string, unknown>,
  spec: ObjectSpec,
  pointer: string,
  ctx: Context,
): void {
  for (const name of spec.required ?? []) {
    if (value[name] === undefined || value[name] === null) {
      ctx.issues.push({ message: `missing required field: ${name}`, pointer });
    }
  }
  for (const group of spec.oneOf ?? []) {
    if (group.every((name) => value[name] === undefined || value[name] === null)) {
      ctx.issues.push({ message: `missing required field: ${group.join(' or ')}`, pointer });
    }
  }
  for (const [name, field] of Object.entries(spec.fields)) {
    const fieldValue = value[name];
    if (fieldValue !== undefined && fieldValue !== null) {
      validateField(fieldValue, field, `${pointer}/${name}`, ctx);
    }
  }
}

function validateField(value: unknown, spec: FieldSpec, pointer: string, ctx: Context): void {
  switch (spec.kind) {
    case 'any':
      return;
    case 'string':
      if (typeof value !== 'string') {
        ctx.issues.push({ message: 'must provide a string', pointer });
        return;
      }
      checkLength(value, spec.min, spec.max, pointer, ctx);
      return;
    case 'enum':
      if (typeof value !== 'string' || !spec.values.includes(value)) {
        ctx.issues.push({ message: 'must be a valid enum value', pointer });
      }
      return;
    case 'boolean':
      if (typeof value !== 'boolean') ctx.issues.push({ message: 'must provide a boolean', pointer });
      return;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        ctx.issues.push({ message: 'must provide a number', pointer });
      } else if (spec.min !== undefined && value < spec.min) {
        ctx.issues.push({ message: `must be at least ${spec.min}`, pointer });
      } else if (spec.max !== undefined && value > spec.max) {
        ctx.issues.push({ message: `must be at most ${spec.max}`, pointer });
      }
      return;
    case 'text':
      if (!isRecord(value)) {
        ctx.issues.push({ message: 'must provide an object', pointer });
        return;
      }
      validateText(value, spec.types, spec.max, pointer, ctx);
      return;
    case 'list':
      if (!Array.isArray(value)) {
        ctx.issues.push({ message: 'must provide an array', pointer });
        return;
      }
      if (spec.max !== undefined && value.length > spec.max) {
        ctx.issues.push({ message: `no more than ${spec.max} items allowed`, pointer });
      }
      if (spec.min !== undefined && value.length < spec.min) {
        ctx.issues.push({
          message: `must provide at least ${spec.min} item${spec.min === 1 ? '' : 's'}`,
          pointer,
        });
      }
      value.forEach((item, index) => {
        validateField(item, spec.item, `${pointer}/${index}`, ctx);
      });
      return;
    case 'object':
      if (!isRecord(value)) {
        ctx.issues.push({ message: 'must provide an object', pointer });
        return;
      }
      validateObject(value, spec.spec, pointer, ctx);
      return;
    case 'element':
      validateTyped(value, pointer, ELEMENTS, spec.allowed, ctx);
      return;
    case 'id':
      validateId(value, spec.scope, pointer, ctx);
      return;
  }
}

function validateText(
  value: Record<string, unknown>,
  types: readonly TextType[],
  max: number,
  pointer: string,
  ctx: Context,
): void {
  const type = value.type;
  if (type === undefined) {
    ctx.issues.push({ message: 'missing required field: type', pointer });
  } else if (typeof type !== 'string' || !(types as readonly string[]).includes(type)) {
    // e.g. mrkdwn in a header or a button label, where Slack only renders plain_text.
    ctx.issues.push({ message: 'must be a valid enum value', pointer: `${pointer}/type` });
  }
  const text = value.text;
  if (text === undefined) {
    ctx.issues.push({ message: 'missing required field: text', pointer });
  } else if (typeof text !== 'string') {
    ctx.issues.push({ message: 'must provide a string', pointer: `${pointer}/text` });
  } else {
    checkLength(text, 1, max, `${pointer}/text`, ctx);
  }
  for (const flag of ['emoji', 'verbatim']) {
    if (value[flag] !== undefined && typeof value[flag] !== 'boolean') {
      ctx.issues.push({ message: 'must provide a boolean', pointer: `${pointer}/${flag}` });
    }
  }
}

function validateId(value: unknown, scope: 'block_id' | 'action_id', pointer: string, ctx: Context): void {
  if (typeof value !== 'string') {
    ctx.issues.push({ message: 'must provide a string', pointer });
    return;
  }
  checkLength(value, 1, ID_MAX, pointer, ctx);
  // Slack: block_id unique per message or view; action_id unique among the actions of its block.
  const seen = scope === 'block_id' ? ctx.blockIds : ctx.actionIds;
  if (seen.has(value)) {
    ctx.issues.push({ message: `duplicate ${scope}: ${value}`, pointer });
  }
  seen.add(value);
}

function checkLength(
  value: string,
  min: number | undefined,
  max: number | undefined,
  pointer: string,
  ctx: Context,
): void {
  if (max !== undefined && value.length > max) {
    ctx.issues.push({ message: `must be less than ${max + 1} characters`, pointer });
  }
  if (min !== undefined && value.length < min) {
    ctx.issues.push({ message: `must be more than ${min - 1} characters`, pointer });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
