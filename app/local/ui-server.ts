/**
 * The local stack's own HTTP server (`npm start`, http://127.0.0.1:3000/): the page (`app/local/ui/`), the JSON
 * API the page drives the local Slack with, the response URLs handed to the app, and the original endpoints
 * (`POST /events`, `GET /messages`).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import * as z from 'zod';
import { BodyTooLargeError, readText } from './http';
import { type LocalWorkspace, LocalWorkspaceError } from './local-workspace';
import type { StandinMessage } from './slack';
import { SlackPayloadError } from './slack/payloads';

/** What `POST /api/replay` answers: the sample calls CloudTrail logged, those EventBridge lost, those that failed. */
export interface ReplayResult {
  readonly events: number;
  readonly lost: number;
  readonly failed: number;
}

/** How the local stack runs its schedules faster than deployed. */
export interface LocalClock {
  /** Escalation waits are divided by this (ESCALATION_TIME_SCALE). */
  readonly escalationTimeScale: number;
  readonly sweepEverySeconds: number;
  readonly reconcileEverySeconds: number;
}

/** What `POST /reconcile` answers: changes recovered from CloudTrail, accounts found silent. */
export interface ReconcileResult {
  readonly recovered: number;
  readonly silentAccounts: readonly string[];
}

/** What `POST /api/digest` answers: the channels a digest was posted to, and those left quiet. */
export interface DigestResult {
  readonly posted: readonly string[];
  readonly quiet: readonly string[];
}

/** What the server serves; the stack provides it. */
export interface LocalServerRoutes {
  readonly workspace: LocalWorkspace;
  /** `POST /events`: one EventBridge event through the events handler. */
  ingestEvent(event: unknown): Promise<{ status: number; body: unknown }>;
  /** `GET /messages`: the channel as the stand-in holds it. */
  messages(): readonly StandinMessage[];
  replaySamples(): Promise<ReplayResult>;
  runDigest(): Promise<DigestResult>;
  /** `GET /api/clock`: how the local stack warps time (what the page explains). */
  readonly clock: LocalClock;
  /** `POST /reconcile`: the reconcile function, now. */
  runReconcile(): Promise<ReconcileResult>;
  /** The folder of index.html, app.js, blockkit.js, style.css. */
  readonly uiDir: string;
}

const MAX_BODY_BYTES = 1024 * 1024;

const STATIC_FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/ui/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/ui/blockkit.js': { file: 'blockkit.js', type: 'text/javascript; charset=utf-8' },
  '/ui/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
  // Browsers ask for an icon on every page; without one each load logs a 404 in the console.
  '/ui/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
  '/favicon.ico': { file: 'favicon.svg', type: 'image/svg+xml' },
};

// Message content is untrusted (CloudTrail fields end up in alerts): no inline script or style is ever allowed,
// so even a rendering bug cannot run injected code.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/);
const inputs = z
  .array(z.object({ blockId: z.string().min(1).max(255), value: z.string().max(10_000).optional() }))
  .max(100)
  .default([]);

const schemas = {
  command: z.object({ user: userId, text: z.string().min(1).max(4_000) }),
  action: z.object({
    user: userId,
    conversation: z.enum(['channel', 'dm']).default('channel'),
    ts: z.string().regex(/^\d+\.\d+$/),
    path: z.object({ block: z.number().int().min(0).max(100), element: z.number().int().min(0).max(25) }),
    actionId: z.string().min(1).max(255),
    selected: z.array(z.string().max(2_000)).max(5).default([]),
  }),
  view: z.object({ user: userId, viewId: z.string().min(1).max(100), inputs }),
  close: z.object({ user: userId, viewId: z.string().min(1).max(100) }),
  dismiss: z.object({ user: userId, id: z.string().min(1).max(100) }),
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  try {
    return await readText(req, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new HttpError(413, error.message);
    throw error;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, pretty = false): void {
  const text = pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  if (error instanceof z.ZodError || error instanceof SlackPayloadError) return 400;
  if (error instanceof LocalWorkspaceError) {
    return { UnknownUser: 400, Invalid: 400, NotFound: 404, Stale: 409 }[error.code];
  }
  return 500;
}

function messageOf(error: unknown): string {
  if (error instanceof z.ZodError) {
    return `Invalid request: ${error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * The page's API answers only same-origin requests: a web page elsewhere could otherwise make the browser POST
 * to 127.0.0.1 (the Origin header says where a request comes from), or reach it through a DNS name rebound to
 * 127.0.0.1 (the Host header then names that domain).
 */
function checkOrigin(req: IncomingMessage, port: number): void {
  const allowed = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!allowed.includes(req.headers.host ?? '')) throw new HttpError(403, 'Unexpected Host header.');
  const origin = req.headers.origin;
  if (origin !== undefined && !allowed.some((host) => origin === `http://${host}`)) {
    throw new HttpError(403, 'Cross-origin requests are refused.');
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
    throw new HttpError(415, 'Send JSON (content-type: application/json).');
  }
  const text = await readBody(req);
  try {
    return text === '' ? {} : (JSON.parse(text) as unknown);
  } catch {
    throw new HttpError(400, 'The body is not JSON.');
  }
}

async function serveStatic(res: ServerResponse, uiDir: string, path: string): Promise<boolean> {
  const entry = STATIC_FILES[path];
  if (!entry) return false;
  const content = await readFile(join(uiDir, entry.file));
  res.writeHead(200, { 'content-type': entry.type, 'cache-control': 'no-cache', ...SECURITY_HEADERS });
  res.end(content);
  return true;
}

async function route(
  routes: LocalServerRoutes,
  req: IncomingMessage,
  res: ServerResponse,
  port: number,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://local');
  const path = url.pathname;
  const { workspace } = routes;
  if (req.method === 'GET') {
    if (path === '/messages') return sendJson(res, 200, routes.messages(), true);
    if (path === '/api/clock') return sendJson(res, 200, routes.clock);
    if (path === '/api/state') {
      checkOrigin(req, port);
      const user = url.searchParams.get('user');
      return sendJson(res, 200, workspace.state(user === null ? undefined : userId.parse(user)));
    }
    if (await serveStatic(res, routes.uiDir, path)) return;
  }
  if (req.method === 'POST') {
    // curl and other tools send no Origin; a browser on another site does, and is refused.
    if (path === '/events') {
      checkOrigin(req, port);
      let event: unknown;
      try {
        event = JSON.parse(await readBody(req)) as unknown;
      } catch (error) {
        if (error instanceof HttpError) throw error;
        throw new HttpError(400, 'The body is not JSON: send one EventBridge event.');
      }
      const answer = await routes.ingestEvent(event);
      return sendJson(res, answer.status, answer.body);
    }
    if (path === '/reconcile') {
      checkOrigin(req, port);
      return sendJson(res, 200, await routes.runReconcile());
    }
    if (path.startsWith('/api/')) {
      checkOrigin(req, port);
      const body = await readJson(req);
      switch (path) {
        case '/api/command': {
          const input = schemas.command.parse(body);
          return sendJson(res, 200, await workspace.runCommand(input.user, input.text));
        }
        case '/api/action': {
          const { user, ...click } = schemas.action.parse(body);
          return sendJson(res, 200, await workspace.clickElement(user, click));
        }
        case '/api/view/submit': {
          const input = schemas.view.parse(body);
          return sendJson(res, 200, await workspace.submitView(input.user, input.viewId, input.inputs));
        }
        case '/api/view/close': {
          const input = schemas.close.parse(body);
          workspace.closeView(input.user, input.viewId);
          return sendJson(res, 200, { status: null, elapsedMs: 0 });
        }
        case '/api/ephemeral/dismiss': {
          const input = schemas.dismiss.parse(body);
          workspace.dismissEphemeral(input.user, input.id);
          return sendJson(res, 200, { ok: true });
        }
        case '/api/replay':
          return sendJson(res, 200, await routes.replaySamples());
        case '/api/digest':
          return sendJson(res, 200, await routes.runDigest());
      }
    }
  }
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(
    'Not found. Open / in a browser, POST /events (an EventBridge event), POST /reconcile (read CloudTrail now) or GET /messages (the channel as JSON).\n',
  );
}

/** The server, not yet listening. */
export function createLocalServer(routes: LocalServerRoutes): Server {
  const server = createServer((req, res) => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    route(routes, req, res, port).catch((error: unknown) => {
      const status = statusOf(error);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendJson(res, status, { error: messageOf(error) });
    });
  });
  return server;
}
