/**
 * @module Where events may be sent. An agency admin chooses the URL, so without a rule the server
 * would POST wherever it is told: its own loopback services, the cloud metadata address, the office
 * database. Only public unicast addresses are allowed, unless the operator names other networks
 * (`THUPHI_EVENTS_ALLOW_NETWORKS`, e.g. the office LAN where the one-stop-shop software runs).
 *
 * The URL is checked when it is set (its scheme, a literal address, a localhost name) and again at
 * send time, when its name is resolved: the connection goes to exactly the address that was checked
 * (the socket is handed the looked-up address by {@link checkedLookup}), so a name that resolves to a
 * public address for the check and to 127.0.0.1 for the connection (DNS rebinding) gets nowhere.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** The operator's rule for event destinations. */
export interface DestinationPolicy {
  /**
   * Networks allowed although they are not public, as CIDR ranges or single addresses
   * (`10.20.0.0/16`, `127.0.0.1`, `fd00::/8`); empty allows public unicast addresses only.
   */
  allowNetworks: readonly string[];
  /** Only `https:` URLs (the default when `NODE_ENV=production`). */
  requireHttps: boolean;
  /** How names are resolved: the system resolver (`dns.lookup`) unless a test plays DNS. */
  resolve?: typeof dnsLookup;
}

/** A policy with its networks parsed once. */
export interface CompiledPolicy {
  requireHttps: boolean;
  networks: [ipaddr.IPv4 | ipaddr.IPv6, number][];
  /** As configured, for messages. */
  allowNetworks: readonly string[];
  resolve: typeof dnsLookup;
}

/** Refused: a message saying which rule, for the admin setting the URL or the delivery log. */
export class DestinationRefusedError extends Error {
  override name = 'DestinationRefusedError';
}

/**
 * Parses the allowed networks; a malformed entry throws (a typo must not silently allow nothing, or
 * everything).
 *
 * @example
 * compilePolicy({ allowNetworks: ['10.20.0.0/16'], requireHttps: true });
 */
export function compilePolicy(policy: DestinationPolicy): CompiledPolicy {
  const networks = policy.allowNetworks.map((entry): [ipaddr.IPv4 | ipaddr.IPv6, number] => {
    const text = entry.trim();
    if (ipaddr.isValidCIDR(text)) {
      const [address, bits] = ipaddr.parseCIDR(text);
      return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
        ? [(address as ipaddr.IPv6).toIPv4Address(), Math.max(0, bits - 96)]
        : [address, bits];
    }
    if (ipaddr.isValid(text)) {
      const address = ipaddr.process(text);
      return [address, address.kind() === 'ipv4' ? 32 : 128];
    }
    throw new Error(`not an address or CIDR range: "${entry}"`);
  });
  return {
    requireHttps: policy.requireHttps,
    networks,
    allowNetworks: policy.allowNetworks,
    resolve: policy.resolve ?? dnsLookup,
  };
}

/** Public addresses only, https in production: what a server gets unless the operator says otherwise. */
export function defaultPolicy(env: NodeJS.ProcessEnv = process.env): CompiledPolicy {
  return compilePolicy({ allowNetworks: [], requireHttps: env.NODE_ENV === 'production' });
}

/**
 * Why `address` may not receive events, or undefined. IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is
 * judged as the IPv4 address it carries; everything but public unicast (loopback, private, CGNAT,
 * link-local, multicast, unspecified, broadcast, reserved, 6to4, Teredo, NAT64 …) needs the
 * operator's leave.
 *
 * @example
 * refusedAddress('169.254.169.254', policy); // 'linkLocal address 169.254.169.254 …'
 */
export function refusedAddress(address: string, policy: CompiledPolicy): string | undefined {
  // A scope (`fe80::1%eth0`) says which interface, not which address.
  const bare = address.replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) return `"${address}" is not an IP address`;
  const ip = ipaddr.process(bare);
  if (policy.networks.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits)))
    return undefined;
  const range = ip.range();
  if (range === 'unicast') return undefined;
  return `${range} address ${ip.toString()} is not allowed for events (THUPHI_EVENTS_ALLOW_NETWORKS can allow a network)`;
}

/** `localhost`, `foo.localhost` (RFC 6761) and the like always mean this machine. */
function isLocalhostName(host: string): boolean {
  return (
    /(^|\.)localhost$/i.test(host) || /^(localhost\.localdomain|ip6-localhost|ip6-loopback)$/i.test(host)
  );
}

/** The URL's host without IPv6 brackets or a final dot. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

/**
 * Why an events URL is refused, from what the URL itself says: its scheme, a literal address, a
 * localhost name. A name is only resolved at send time ({@link checkedLookup}).
 *
 * @example
 * refusedEventUrl('http://127.0.0.1:5432/', policy); // 'loopback address 127.0.0.1 is not allowed …'
 * refusedEventUrl('https://motcua.example.gov.vn/thuphi', policy); // undefined
 */
export function refusedEventUrl(raw: string, policy: CompiledPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'only http(s) URLs receive events';
  if (policy.requireHttps && url.protocol !== 'https:')
    return 'events are sent over https only in production';
  if (url.username || url.password) return 'credentials in the URL are not accepted; sign with the secret';
  const host = hostOf(url);
  if (ipaddr.isValid(host)) return refusedAddress(host, policy);
  if (isLocalhostName(host)) {
    // The name is this machine whatever DNS says; allowed only where loopback is.
    const loopback = refusedAddress('127.0.0.1', policy);
    return loopback && `"${host}" is this machine: ${loopback}`;
  }
  return undefined;
}

/**
 * A `lookup` for `net.connect` that resolves the name, refuses it if any address it has is not
 * allowed (a name with one public and one private address is a rebinding trick), and hands the
 * socket the very addresses it checked.
 *
 * @example
 * http.request(url, { lookup: checkedLookup(policy) });
 */
export function checkedLookup(policy: CompiledPolicy): LookupFunction {
  return (hostname, options, callback) => {
    policy.resolve(
      hostname,
      { ...options, all: true } as LookupAllOptions,
      (error, addresses: LookupAddress[]) => {
        if (error) return callback(error, '', 0);
        const refused = addresses
          .map((a) => refusedAddress(a.address, policy))
          .find((reason) => reason !== undefined);
        if (refused || addresses.length === 0) {
          const e = new DestinationRefusedError(`${hostname}: ${refused ?? 'no address'}`);
          return callback(Object.assign(e, { code: 'EDESTINATIONREFUSED' }), '', 0);
        }
        // Since Node 20 sockets ask for every address (happy eyeballs); older callers for one.
        if ((options as { all?: boolean }).all)
          return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
        const first = addresses[0]!;
        callback(null, first.address, first.family);
      },
    );
  };
}

export interface EventPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  policy: CompiledPolicy;
}

/**
 * POSTs one event body to an allowed destination and resolves with the HTTP status; the answer's
 * body is read and dropped. Redirects are not followed (a 3xx is a failed delivery: following one
 * would leave the checked address).
 *
 * @example
 * const status = await postEvent({ url, headers, body, timeoutMs: 5000, policy });
 */
export function postEvent(post: EventPost): Promise<number> {
  const refused = refusedEventUrl(post.url, post.policy);
  if (refused) return Promise.reject(new DestinationRefusedError(refused));
  const url = new URL(post.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...post.headers, 'Content-Length': String(Buffer.byteLength(post.body)) },
        lookup: checkedLookup(post.policy),
        // A fresh connection per delivery: nothing pooled outlives the address check.
        agent: false,
        signal: AbortSignal.timeout(post.timeoutMs),
      },
      (res: IncomingMessage) => {
        res.on('error', reject);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('close', () => {
          if (!res.complete) reject(new Error('the answer was cut off'));
        });
        res.resume();
      },
    );
    req.on('error', reject);
    req.end(post.body);
  });
}
