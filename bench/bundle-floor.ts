/**
 * The floor of the Slack function's module init: Bolt's App and its Lambda receiver, and the DynamoDB client,
 * loaded as the function loads them and bundled with the same options (bench/bundle.bench.ts), nothing of
 * InfraWatch. No bundle that answers Slack from Lambda with Bolt and stores in DynamoDB through the AWS SDK
 * v3 can start for less.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import App from '@slack/bolt/dist/App';
import AwsLambdaReceiver from '@slack/bolt/dist/receivers/AwsLambdaReceiver';

export const loaded = [App, AwsLambdaReceiver, DynamoDBClient];
