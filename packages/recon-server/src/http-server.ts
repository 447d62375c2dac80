/**
 * @module The HTTP server around the app, with the limits a stranger could otherwise exhaust: time
 * to send the headers (slowloris), time to send the whole request, idle keep-alive, and open
 * connections per client IP.
 *
 * Event streams (the counter display, `GET /v1/receipts/:id/events`) are long-lived by design and
 * unaffected: the headers and request time-outs end when the request has been received, not when
 * the answer ends, and no socket inactivity time-out is set.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { HttpLimits } from './config.js';

/** What an over-cap connection hears before it is closed: nothing of the app runs for it. */
function tooManyConnections(max: number): string {
  const body = JSON.stringify({
    type: 'urn:thuphi:problem:too_many_connections',
    title: 'Too many open connections from this address.',
    status: 429,
    code: 'too_many_connections',
    message: {
      vi: `Địa chỉ này đang mở quá nhiều kết nối (tối đa ${max}). Hãy đóng bớt rồi thử lại.`,
      en: `Too many open connections from this address (at most ${max}). Close some and try again.`,
    },
  });
  return [
    'HTTP/1.1 429 Too Many Requests',
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Retry-After: 1',
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * The key a connection is counted under: its IPv4 address (also when it arrives IPv4-mapped), or
 * the /64 of an IPv6 address, since one client usually holds a whole /64.
 *
 * @example
 * connectionKey('::ffff:127.0.0.1'); // '127.0.0.1'
 * connectionKey('2001:db8:1:2:3:4:5:6'); // '2001:db8:1:2::/64'
 */
export function connectionKey(remoteAddress: string | undefined): string {
  if (!remoteAddress || !ipaddr.isValid(remoteAddress)) return remoteAddress ?? 'unknown';
  const ip = ipaddr.process(remoteAddress);
  if (ip.kind() === 'ipv4') return ip.toString();
  const parts = (ip as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
}

/**
 * Refuses a client's connection beyond `max` open at once with a 429 (written raw, before any
 * request is read) and closes it; other clients are not affected. Answers the open count per key.
 */
export function capConnectionsPerIp(server: Server, max: number): { open(key: string): number } {
  const open = new Map<string, number>();
  const refusal = tooManyConnections(max);
  server.on('connection', (socket: Socket) => {
    const key = connectionKey(socket.remoteAddress);
    const n = open.get(key) ?? 0;
    if (n >= max) {
      // Stop the HTTP parser from reading a request nobody will answer, say why, and close.
      socket.pause();
      socket.end(refusal, () => socket.destroy());
      return;
    }
    open.set(key, n + 1);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left <= 0) open.delete(key);
      else open.set(key, left);
    });
  });
  return { open: (key) => open.get(key) ?? 0 };
}

/**
 * An HTTP server for `app` with `limits` applied; it does not listen yet.
 *
 * @example
 * const server = createHttpServer(app, defaultHttpLimits);
 * server.listen(3000);
 */
export function createHttpServer(app: RequestListener, limits: HttpLimits): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often Node looks for connections past the two time-outs (its default is 30 s, which
      // would let a slow client hold on that much longer than configured).
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 2))),
    },
    app,
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  if (limits.maxConnectionsPerIp !== null) capConnectionsPerIp(server, limits.maxConnectionsPerIp);
  return server;
}
