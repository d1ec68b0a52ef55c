/**
 * Settings shared by every AWS SDK client InfraWatch creates (DynamoDB, EventBridge, Secrets Manager).
 *
 * The SDK's HTTP handler has no connection or request timeout by default: a black-holed endpoint (a socket
 * that accepts and never answers) holds the call, and with it the invocation, until Lambda kills the function
 * at its timeout, and every retry then starts from scratch. Here a call gives up after a short silence and the
 * SDK retries it; the worst case, {@link AWS_CALL_BUDGET_MS}, stays well under the shortest function timeout
 * (the Slack function's 10 s), so the handler always gets to answer or to report the failure itself.
 */
export const AWS_TIMEOUTS = {
  /** TCP + TLS set-up to a regional endpoint takes tens of milliseconds. */
  connectionTimeoutMs: 1_000,
  /** Longest one attempt may take, request and response (DynamoDB answers item calls in milliseconds). */
  requestTimeoutMs: 2_000,
  /** Attempts per call, the first included (the SDK's standard retry mode, with its jittered backoff). */
  maxAttempts: 3,
} as const;

/**
 * Longest one SDK call can take when every attempt times out: the attempts plus the standard retry mode's
 * jittered backoff (at most 100 ms, then 200 ms).
 */
export const AWS_CALL_BUDGET_MS =
  AWS_TIMEOUTS.maxAttempts * (AWS_TIMEOUTS.connectionTimeoutMs + AWS_TIMEOUTS.requestTimeoutMs) + 300;

/** The credentials and region the local engines accept (they check neither). */
const LOCAL_ENDPOINT = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

/**
 * The local engines (the local stack, in-process tests) share a small machine with everything else: DynamoDB
 * Local's JVM pauses for seconds under load, which AWS's endpoints never do, and dynalite answers from the
 * same event loop as its caller, so a batch's parallel writes can keep a new socket from connecting for
 * more than a second. A hang is still cut short.
 */
const LOCAL_REQUEST_TIMEOUT_MS = 20_000;
const LOCAL_CONNECTION_TIMEOUT_MS = 10_000;

/**
 * Client configuration: timeouts and attempts always; an explicit endpoint (the local stack's embedded
 * engines) only when given. Deployed, the region and credentials come from the Lambda environment, and the
 * SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables can point a client elsewhere (the bundle tests do).
 */
export function awsClientConfig(endpoint?: string, options: { requestTimeoutMs?: number } = {}) {
  return {
    maxAttempts: AWS_TIMEOUTS.maxAttempts,
    // NodeHttpHandler options, given as options: the SDK builds its default handler with them. Without
    // throwOnRequestTimeout the handler only logs a warning when the request timeout passes, and keeps waiting.
    requestHandler: {
      connectionTimeout: endpoint ? LOCAL_CONNECTION_TIMEOUT_MS : AWS_TIMEOUTS.connectionTimeoutMs,
      requestTimeout: endpoint
        ? LOCAL_REQUEST_TIMEOUT_MS
        : (options.requestTimeoutMs ?? AWS_TIMEOUTS.requestTimeoutMs),
      throwOnRequestTimeout: true,
    },
    ...(endpoint ? { endpoint, ...LOCAL_ENDPOINT } : {}),
  };
}
