// Runs one Lambda bundle the way the Node.js runtime does: require the file once (the init), then call its
// `handler` export for each event in turn (one warm container). Plain CommonJS, so the child process runs the
// bundle exactly as shipped, with no TypeScript loader in between.
//   node lambda-bundle-runner.cjs <bundle dir> <events.json> <results.json>
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const [bundleDir, eventsFile, resultsFile] = process.argv.slice(2);

function context(functionName, index) {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:111111111111:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: `bundle-test-${process.pid}-${index}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'bundle-test',
    // The function's timeout from its template (the test passes it), as Lambda counts down from it.
    getRemainingTimeInMillis: () => Number(process.env.BUNDLE_TIMEOUT_MS ?? 10_000),
    done() {},
    fail() {},
    succeed() {},
  };
}

async function main() {
  const events = JSON.parse(readFileSync(eventsFile, 'utf8'));
  const { handler } = require(join(bundleDir, 'index.js'));
  const results = [];
  for (const [index, event] of events.entries()) {
    try {
      results.push({
        ok: true,
        value: (await handler(event, context(process.env.AWS_LAMBDA_FUNCTION_NAME, index))) ?? null,
      });
    } catch (error) {
      results.push({ ok: false, error: { name: error?.name, message: error?.message } });
    }
  }
  writeFileSync(resultsFile, JSON.stringify(results));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
