import { AppError } from '../errors';

/**
 * What the Lambda bundles get instead of the packages Bolt's HTTP and Socket Mode receivers use
 * (`@slack/socket-mode` with undici and ws, `@slack/oauth` with jsonwebtoken, `raw-body` with iconv-lite):
 * Bolt's `App` module requires both receivers at load time, but on Lambda the Slack function serves requests
 * through AwsLambdaReceiver only, so none of their code can run there. Swapped in by esbuild aliases in
 * infra/constructs/infrawatch-function.ts; about 1.3 MB and tens of milliseconds of every cold start.
 *
 * Any use fails loudly, naming the cause, rather than half-working.
 */
class NotOnLambdaError extends AppError {
  readonly code = 'NotOnLambda';
  constructor(what: string) {
    super(
      `${what} is not bundled into the InfraWatch Lambda functions (they serve Slack through AwsLambdaReceiver); see app/lambda/not-on-lambda.ts`,
    );
  }
}

function refuse(path: string): unknown {
  const thing = () => undefined;
  return new Proxy(thing, {
    get(_target, property) {
      // Module interop probes (`__esModule`, `default`, promise checks) must not throw at require time.
      if (property === '__esModule' || property === 'then' || typeof property === 'symbol') return undefined;
      return refuse(`${path}.${String(property)}`);
    },
    apply() {
      throw new NotOnLambdaError(path);
    },
    construct() {
      throw new NotOnLambdaError(path);
    },
  });
}

export = refuse('a package of the HTTP/Socket Mode receivers');
