import type { Severity } from '../model/severity';

/** An EventBridge input transformer exactly as a rule target carries it. */
export interface InputTransformer {
  inputPathsMap?: Record<string, string>;
  inputTemplate: string;
}

/** A named EventBridge pattern: what InfraWatch watches for. */
export interface Watch {
  id: string;
  aliases: readonly string[];
  title: string;
  description: string;
  /** An EventBridge event pattern (JSON object). */
  pattern: Readonly<Record<string, unknown>>;
  inputTransformer?: InputTransformer;
  /** Forces the severity of every change this watch matches (custom watches). */
  severity?: Severity;
  /** Where a custom watch was loaded from; undefined for built-in watches. */
  file?: string;
}

/** A compiled set of watches. */
export interface WatchCatalog {
  readonly watches: readonly Watch[];
  /** Every watch whose pattern matches the event, in catalog order (custom first, then built-in). */
  match(event: unknown): readonly Watch[];
}
