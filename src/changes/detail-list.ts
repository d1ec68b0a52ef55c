import type { Detail } from '../model/change';
import { formatStatement, type PolicyDocument } from './policies';
import { clip } from './read';

// Values come straight from the event. Bounds keep a 20 KB policy or a hostile string from bloating the alert and
// the stored change; the cut is always announced ("… (N more characters)").
const MAX_VALUE = 300;
const MAX_DOCUMENT = 2000;
/** At most this many details of one label (rules, grants, routes) are listed, then "… and N more". */
export const MAX_LINES_PER_KIND = 20;
const MAX_STATEMENTS = 10;
const MAX_DETAILS = 60;

/** The details of one change, bounded: empty values are skipped, long ones clipped, extra ones counted. */
export class DetailList {
  private readonly details: Detail[] = [];
  private dropped = 0;

  add(label: string, value: string | null | undefined, max = MAX_VALUE): void {
    if (value === null || value === undefined || value === '') return;
    if (this.details.length >= MAX_DETAILS) {
      this.dropped += 1;
      return;
    }
    this.details.push({ label, value: clip(value, max) });
  }

  /** Adds one detail per value, at most MAX_LINES_PER_KIND, then says how many were left out. */
  addEach(label: string, values: readonly string[]): void {
    for (const value of values.slice(0, MAX_LINES_PER_KIND)) this.add(label, value);
    if (values.length > MAX_LINES_PER_KIND)
      this.add(label, `… and ${values.length - MAX_LINES_PER_KIND} more`);
  }

  done(): Detail[] {
    if (this.dropped > 0)
      this.details.push({ label: 'More', value: `${this.dropped} more details not shown` });
    return this.details;
  }
}

/** Each statement of a policy, then the document itself (or the raw text when it could not be read). */
export function addPolicy(out: DetailList, policy: PolicyDocument | null, raw: unknown, label: string): void {
  if (policy !== null) {
    const statements = policy.statements.map(formatStatement);
    for (const statement of statements.slice(0, MAX_STATEMENTS)) out.add('Statement', statement);
    if (statements.length > MAX_STATEMENTS)
      out.add('Statement', `… and ${statements.length - MAX_STATEMENTS} more`);
  }
  addDocument(out, label, policy, raw);
}

/** A policy document as recorded, or its raw text labelled "(unreadable)" when it did not parse. */
export function addDocument(
  out: DetailList,
  label: string,
  policy: PolicyDocument | null,
  raw: unknown,
): void {
  if (policy !== null) out.add(label, policy.text, MAX_DOCUMENT);
  else if (typeof raw === 'string' && raw !== '') out.add(`${label} (unreadable)`, raw, MAX_DOCUMENT);
}
