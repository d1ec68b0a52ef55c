import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** What the proxy does with connections: forward them, refuse them (nothing listens), or never answer. */
export type ProxyMode = 'pass' | 'refuse' | 'black-hole';

export interface TcpProxy {
  readonly url: string;
  readonly mode: ProxyMode;
  /** Switches at once: open connections are cut (refuse) or go silent (black-hole) too. */
  set(mode: ProxyMode): Promise<void>;
  /** Connections accepted and then never answered; times the listener was closed to refuse. */
  readonly counts: { blackHoled: number; refusals: number };
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of a DynamoDB engine that a test switches between passing traffic, refusing
 * connections (the port stops listening: ECONNREFUSED, as a dead endpoint answers) and black-holing them
 * (accepted, then silence, as a dropped route or a stuck load balancer looks).
 */
export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port: targetPort } = new URL(target);
  let mode: ProxyMode = 'pass';
  const open = new Set<{ client: Socket; upstream?: Socket }>();
  const counts = { blackHoled: 0, refusals: 0 };

  const server: Server = createServer((client) => {
    const pair: { client: Socket; upstream?: Socket } = { client };
    open.add(pair);
    client.on('error', () => undefined);
    client.on('close', () => {
      pair.upstream?.destroy();
      open.delete(pair);
    });
    if (mode === 'black-hole') {
      counts.blackHoled += 1;
      return;
    }
    const upstream = createConnection({ host: hostname, port: Number(targetPort) });
    pair.upstream = upstream;
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the proxy did not start');
  const port = address.port;

  const stopListening = () =>
    new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));

  return {
    url: `http://127.0.0.1:${port}`,
    get mode() {
      return mode;
    },
    counts,
    async set(next) {
      if (next === mode) return;
      const previous = mode;
      mode = next;
      if (next === 'refuse') {
        counts.refusals += 1;
        for (const pair of open) pair.client.destroy();
        await stopListening();
        return;
      }
      if (previous === 'refuse') await listen(port);
      if (next === 'black-hole') {
        // Connections kept alive by the SDK go silent too: nothing more is forwarded either way.
        for (const pair of open) {
          pair.client.unpipe();
          pair.upstream?.unpipe();
          // Without its listeners, closing the upstream leaves the client's connection open and silent.
          pair.upstream?.removeAllListeners('close');
          pair.upstream?.destroy();
          pair.upstream = undefined;
          counts.blackHoled += 1;
        }
      }
    },
    async close() {
      for (const pair of open) pair.client.destroy();
      await stopListening();
    },
  };
}
