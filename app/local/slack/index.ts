/** The Slack stand-in (the Web API InfraWatch calls) and what Slack sends to the app (signed requests). */
export { MessageJournalError } from './message-journal';
export { type SlackStandin, type SlackStandinOptions, startSlackStandin } from './standin';
export type * from './types';
