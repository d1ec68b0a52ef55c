import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { ReconcileTarget } from '../../src/store/ports/pipeline';
import type { CloudTrailHistory } from '../../src/use-cases/reconcile';
import { awsClientConfig } from './clients';

/** A target as configured: the home account and region are read with the function's own role. */
export interface HistoryTarget extends ReconcileTarget {
  /** The forwarder stack's reconcile role in that account and region; absent: the function's own credentials. */
  roleArn?: string;
}

/** LookupEvents' largest page. */
const PAGE_SIZE = 50;
/**
 * LookupEvents scans an index and answers in about a second, sometimes several: it gets more time per attempt
 * than the item calls of DynamoDB (the run is asynchronous and has minutes).
 */
const LOOKUP_REQUEST_TIMEOUT_MS = 10_000;
/** The shortest session STS grants: the run lasts minutes, and the SDK renews credentials before they expire. */
const SESSION_SECONDS = 900;

/**
 * The CloudTrailHistory port on CloudTrail's LookupEvents, one client per target (LookupEvents is regional and
 * its quota is per account and region). A member account's history is read through the role its forwarder
 * stack creates, assumed with STS; the SDK caches the session and renews it shortly before it expires.
 */
export function createCloudTrailHistory(
  targets: readonly HistoryTarget[],
  options: { endpoint?: string; stsEndpoint?: string } = {},
): CloudTrailHistory & { destroy(): void } {
  const clients = new Map<string, CloudTrailClient>();
  let sts: STSClient | undefined;
  const keyOf = (target: ReconcileTarget) => `${target.account}/${target.region}`;
  const roles = new Map(targets.map((target) => [keyOf(target), target.roleArn]));

  function clientFor(target: ReconcileTarget): CloudTrailClient {
    const key = keyOf(target);
    const existing = clients.get(key);
    if (existing) return existing;
    const roleArn = roles.get(key);
    const base = awsClientConfig(options.endpoint, { requestTimeoutMs: LOOKUP_REQUEST_TIMEOUT_MS });
    const client = new CloudTrailClient({
      ...base,
      region: target.region,
      ...(roleArn === undefined ? {} : { credentials: () => assumeRole(roleArn, target.region) }),
    });
    clients.set(key, client);
    return client;
  }

  async function assumeRole(roleArn: string, region: string) {
    sts ??= new STSClient({ ...awsClientConfig(options.stsEndpoint), region });
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: 'infrawatch-reconcile',
        DurationSeconds: SESSION_SECONDS,
      }),
    );
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey)
      throw new Error(`sts:AssumeRole of ${roleArn} answered without credentials`);
    return {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      ...(Credentials.SessionToken ? { sessionToken: Credentials.SessionToken } : {}),
      ...(Credentials.Expiration ? { expiration: Credentials.Expiration } : {}),
    };
  }

  return {
    async lookupWrites(target, window, nextToken) {
      const output = await clientFor(target).send(
        new LookupEventsCommand({
          LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'false' }],
          StartTime: new Date(window.from),
          EndTime: new Date(window.to),
          MaxResults: PAGE_SIZE,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      return {
        // A record without its CloudTrailEvent text is rejected with that reason, not dropped.
        records: (output.Events ?? []).map((event) => event.CloudTrailEvent ?? ''),
        ...(output.NextToken ? { nextToken: output.NextToken } : {}),
      };
    },
    destroy() {
      for (const client of clients.values()) client.destroy();
      sts?.destroy();
    },
  };
}
