import type { ResourceRef } from '../model/change';
import { listWords } from '../words';
import { clip, listSome, plural } from './read';

/*
 * Pieces of the one-line summary shared by the service modules. Ids and names come from the event. AWS bounds
 * them (bucket names 63, role names 64 characters); these bounds are for forged or corrupt records, so one field
 * cannot flood the summary.
 */
const MAX_NAME = 120;
const MAX_NAMES_LISTED = 5;

/** An id or name from the event, clipped for the summary line. */
export function shortName(value: string): string {
  return clip(value, MAX_NAME);
}

/** Ids or names from the event, at most five of them, comma-separated: "i-1, i-2, i-3, i-4, i-5, and 2 more". */
export function shortNames(values: readonly string[]): string {
  return listSome(values.map(shortName), MAX_NAMES_LISTED);
}

/** Words joined as a sentence, at most five of them: "tcp/22, tcp/3389 and udp/53". */
export function sentenceList(words: readonly string[]): string {
  return listWords(words, MAX_NAMES_LISTED);
}

const RESOURCE_WORDS: Readonly<Record<string, string>> = {
  'iam-user': 'user',
  'iam-role': 'role',
  'iam-group': 'group',
  'iam-policy': 'policy',
  'iam-inline-policy': 'inline policy',
};

/** " on user alice and 2 other resources", or "" when the call named no resource. */
export function onResources(resources: readonly ResourceRef[]): string {
  const first = resources[0];
  if (first === undefined) return '';
  const word = RESOURCE_WORDS[first.type] ?? first.type.replaceAll('-', ' ');
  const more = resources.length > 1 ? ` and ${plural(resources.length - 1, 'other resource')}` : '';
  return ` on ${word} ${shortName(first.id)}${more}`;
}
