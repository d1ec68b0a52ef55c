import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';

export interface SecretsManagerStandin {
  /** Give it to the SDK as `AWS_ENDPOINT_URL_SECRETS_MANAGER`. */
  readonly endpoint: string;
  /** Sets (or replaces) a secret's value, as `put-secret-value` would. */
  put(secretArn: string, value: string): void;
  /** GetSecretValue calls received, by secret id. */
  readonly reads: string[];
  close(): Promise<void>;
}

function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function answer(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
}

/**
 * Secrets Manager's GetSecretValue (AWS JSON 1.1 protocol), enough for the real SDK client: what the
 * deployed functions call to read the Slack secret. Anything else is answered as AWS answers an unknown call.
 */
export async function startSecretsManagerStandin(): Promise<SecretsManagerStandin> {
  const secrets = new Map<string, string>();
  const reads: string[] = [];
  const server = createHttpServer((request, response) => {
    void (async () => {
      const target = request.headers['x-amz-target'];
      const input = JSON.parse((await readBody(request)) || '{}') as { SecretId?: string };
      if (target !== 'secretsmanager.GetSecretValue' || typeof input.SecretId !== 'string') {
        answer(response, 400, { __type: 'UnknownOperationException', message: String(target) });
        return;
      }
      reads.push(input.SecretId);
      const value = secrets.get(input.SecretId);
      if (value === undefined) {
        answer(response, 400, {
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret.",
        });
        return;
      }
      answer(response, 200, {
        ARN: input.SecretId,
        Name: input.SecretId.split(':').pop(),
        SecretString: value,
        VersionId: 'v1',
        VersionStages: ['AWSCURRENT'],
        CreatedDate: Date.now() / 1000,
      });
    })();
  });
  const port = await listen(server);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    put: (arn, value) => void secrets.set(arn, value),
    reads,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface BlackHole {
  readonly url: string;
  /** Requests received so far: connections that sent anything (clients may open spare connections). */
  readonly requests: number;
  close(): Promise<void>;
}

/** A TCP server that accepts every connection and never answers: what a black-holed endpoint looks like. */
export async function startBlackHole(): Promise<BlackHole> {
  const sockets = new Set<Socket>();
  let requests = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('data', () => {
      requests += 1;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface StsStandin {
  /** Give it to the SDK as `AWS_ENDPOINT_URL_STS`. */
  readonly endpoint: string;
  /** The role ARNs AssumeRole was called for, in order. */
  readonly assumed: string[];
  close(): Promise<void>;
}

/**
 * STS AssumeRole (the AWS query protocol, XML answer), enough for the real SDK client: how the reconcile
 * function reads a member account's CloudTrail through the forwarder's role. Every role may be assumed.
 */
export async function startStsStandin(): Promise<StsStandin> {
  const assumed: string[] = [];
  const server = createHttpServer((request, response) => {
    void (async () => {
      const params = new URLSearchParams(await readBody(request));
      const roleArn = params.get('RoleArn');
      if (params.get('Action') !== 'AssumeRole' || roleArn === null) {
        response.writeHead(400, { 'content-type': 'text/xml' });
        response.end(
          '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>not supported here</Message></Error></ErrorResponse>',
        );
        return;
      }
      assumed.push(roleArn);
      // One access key per account: CloudTrail's quota (and its stand-in's) is per account and region.
      const accessKey = `ASIA${roleArn.split(':')[4] ?? ''}`;
      const expiration = new Date(Date.now() + 900_000).toISOString();
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>${accessKey}</AccessKeyId><SecretAccessKey>local</SecretAccessKey><SessionToken>local</SessionToken><Expiration>${expiration}</Expiration></Credentials><AssumedRoleUser><Arn>${roleArn}/infrawatch-reconcile</Arn><AssumedRoleId>AROA:infrawatch-reconcile</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>sts-standin</RequestId></ResponseMetadata></AssumeRoleResponse>`,
      );
    })();
  });
  const port = await listen(server);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    assumed,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
