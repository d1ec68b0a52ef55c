/**
 * The events InfraWatch itself publishes to EventBridge. Pure data: the app publishes them and the CDK stack
 * writes the rule that routes digest requests to the digest function, so both read the names from here.
 */

/** The `source` of every event InfraWatch publishes. */
export const INFRAWATCH_EVENT_SOURCE = 'infrawatch';

/** EventBridge `detail-type` of an on-demand digest request (consumed by the digest function). */
export const DIGEST_REQUESTED_DETAIL_TYPE = 'InfraWatch Digest Requested';
