// The egress policy: where the server may open a connection to an address a person typed
// (provider endpoint overrides, webhook URLs, PostgreSQL hosts of a role rotation).
// Loopback, private (RFC 1918, ULA), link-local (cloud metadata 169.254.169.254 and
// fd00:ec2::254 among them), CGNAT, multicast, reserved and IPv4-embedding IPv6 addresses
// are refused, and so are the metadata server's names, unless the operator lists the
// address (CIDR) or the host name in EGRESS_ALLOW.
//
// The check runs on the address actually connected to: `egressLookup` is the DNS lookup the
// sockets use (http/https agents, pg's socket), so a name that resolved to a public address
// when it was saved and to 127.0.0.1 now (DNS rebinding) is refused at connect time. IP
// literals skip DNS lookups in Node, so the agents and sockets check those themselves.
import 'server-only';
import dns, { type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import ipaddr from 'ipaddr.js';
import { env } from '@/lib/env';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface EgressPolicy {
  /** Address ranges the operator allows (EGRESS_ALLOW CIDRs and single addresses). */
  cidrs: [Address, number][];
  /** Host names the operator allows whatever they resolve to (lower case, no trailing dot). */
  hosts: Set<string>;
}

/** Names of cloud metadata servers: refused by name too, as they need not resolve here. */
const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata.goog', 'metadata']);

/** ::/96, the deprecated IPv4-compatible IPv6 addresses, which ipaddr.js calls unicast. */
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

const HOST_NAME_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

const normalHost = (host: string) =>
  host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');

/** Parses EGRESS_ALLOW entries: CIDRs, single addresses and host names. */
export function parseEgressAllow(entries: readonly string[]): EgressPolicy {
  const policy: EgressPolicy = { cidrs: [], hosts: new Set() };
  for (const raw of entries) {
    const entry = normalHost(raw.trim());
    if (entry === '') continue;
    if (entry.includes('/')) {
      try {
        const [address, bits] = ipaddr.parseCIDR(entry);
        // ::ffff:a.b.c.d/n covers the IPv4 addresses it maps, as addresses are compared mapped-free.
        const mapped = address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96;
        policy.cidrs.push(mapped ? [canonical(address), bits - 96] : [address, bits]);
      } catch {
        throw new Error(`EGRESS_ALLOW: "${raw}" is not a valid CIDR (e.g. 10.0.0.0/8 or fd00::/8).`);
      }
    } else if (ipaddr.isValid(entry) && net.isIP(entry)) {
      const address = canonical(ipaddr.parse(entry));
      policy.cidrs.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else if (HOST_NAME_RE.test(entry)) {
      policy.hosts.add(entry);
    } else {
      throw new Error(`EGRESS_ALLOW: "${raw}" is neither a CIDR, an IP address nor a host name.`);
    }
  }
  return policy;
}

let cached: { source: readonly string[]; policy: EgressPolicy } | undefined;
/** The operator's policy from EGRESS_ALLOW. */
function egressPolicy(): EgressPolicy {
  const source = env().EGRESS_ALLOW;
  if (cached?.source !== source) cached = { source, policy: parseEgressAllow(source) };
  return cached.policy;
}

/** IPv4-mapped IPv6 (::ffff:a.b.c.d) is the IPv4 address it carries. */
function canonical(address: Address): Address {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
}

/**
 * Why `ip` may not be connected to (the ipaddr.js range name, e.g. 'loopback', 'private',
 * 'linkLocal'), or null when it may. Public unicast addresses and those the operator allows
 * pass; everything else is refused.
 */
export function addressRefusal(ip: string, policy: EgressPolicy = egressPolicy()): string | null {
  let address: Address;
  try {
    address = canonical(ipaddr.parse(ip));
  } catch {
    return 'invalid';
  }
  if (policy.cidrs.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits))) return null;
  const range = address.range();
  if (range !== 'unicast') return range;
  if (address.kind() === 'ipv6' && address.match(IPV4_COMPATIBLE)) return 'ipv4Compatible';
  return null;
}

/** Is `host` a name the operator allows whatever it resolves to? */
function hostAllowed(host: string, policy: EgressPolicy = egressPolicy()): boolean {
  return policy.hosts.has(normalHost(host));
}

const DESCRIPTIONS: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private network address',
  uniqueLocal: 'a private network address',
  linkLocal: 'a link-local address (this includes cloud metadata servers)',
  carrierGradeNat: 'a shared (carrier-grade NAT) address',
  multicast: 'a multicast address',
  metadata: 'a cloud metadata server',
  unixSocket: 'a local socket (use a TCP host name or address)',
};

/** A connection the egress policy refused; `code` is what logs and audit details record. */
export class EgressRefusedError extends Error {
  readonly code = 'EGRESS_REFUSED';
  constructor(readonly reason: string) {
    super(
      `The server may not connect to ${DESCRIPTIONS[reason] ?? 'a reserved or special-purpose address'}. ` +
        'An operator can allow the address or host name with EGRESS_ALLOW.',
    );
    this.name = 'EgressRefusedError';
  }
}

/** Throws EgressRefusedError when `host` is an IP literal the policy refuses or a metadata
 *  server name; other names are checked when they are resolved (egressLookup). */
export function assertHostLiteral(host: string, policy: EgressPolicy = egressPolicy()): void {
  const name = normalHost(host);
  if (hostAllowed(name, policy)) return;
  if (METADATA_HOSTS.has(name)) throw new EgressRefusedError('metadata');
  if (net.isIP(name)) {
    const reason = addressRefusal(name, policy);
    if (reason) throw new EgressRefusedError(reason);
  }
}

/** Resolves `host` to the addresses the policy permits; throws EgressRefusedError if none. */
export async function resolveEgress(host: string, policy: EgressPolicy = egressPolicy()): Promise<LookupAddress[]> {
  assertHostLiteral(host, policy);
  const name = normalHost(host);
  const family = net.isIP(name);
  if (family) return [{ address: name, family }];
  const all = await dns.promises.lookup(name, { all: true });
  if (hostAllowed(name, policy)) return all;
  const permitted = all.filter((a) => addressRefusal(a.address, policy) === null);
  if (permitted.length === 0) throw new EgressRefusedError(all.map((a) => addressRefusal(a.address, policy)).find(Boolean) ?? 'invalid');
  return permitted;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A drop-in for dns.lookup that hands the socket only addresses the policy permits
 * (addresses of operator-allowed names unfiltered). Given to http/https agents and to
 * the PostgreSQL socket, so the check is on what is actually connected to.
 */
export function egressLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  resolveEgress(hostname).then(
    (addresses) => {
      const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
      if (wanted.length === 0) return callback(Object.assign(new Error(`No address of family ${options.family}`), { code: 'ENOTFOUND' }), []);
      if (options.all) callback(null, wanted);
      else callback(null, wanted[0]!.address, wanted[0]!.family);
    },
    (error: NodeJS.ErrnoException) => callback(error, []),
  );
}

/**
 * The save-time check: our message when the host is refused (an IP literal, a metadata name, or a
 * name that resolves only to refused addresses). A name that does not resolve from here is
 * accepted (null), since the connect-time check decides anyway.
 */
export async function egressRefusalForUrl(url: string, timeoutMs = 3000): Promise<string | null> {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return null; // the URL's own validation reports this
  }
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  try {
    await Promise.race([resolveEgress(host), gaveUp]);
    return null;
  } catch (error) {
    return error instanceof EgressRefusedError ? error.message : null;
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------
// Sockets and agents that apply the policy

/** Checks IP-literal hosts (which skip DNS) and resolves names through egressLookup. */
function guarded<O extends { host?: string | null; lookup?: unknown }>(options: O): O {
  assertHostLiteral(options.host ?? 'localhost');
  return { ...options, lookup: egressLookup };
}

type CreateConnection = (options: object, callback: (error: Error | null, socket?: Duplex) => void) => Duplex | undefined;

/** An agent whose createConnection applies the policy; a refusal fails the request. */
function guardAgent<A extends http.Agent>(agent: A): A {
  const original = (agent as unknown as { createConnection: CreateConnection }).createConnection.bind(agent);
  (agent as unknown as { createConnection: CreateConnection }).createConnection = (options, callback) => {
    try {
      return original(guarded(options as { host?: string }), callback);
    } catch (error) {
      process.nextTick(callback, error as Error);
      return undefined;
    }
  };
  return agent;
}

let agents: { httpAgent: http.Agent; httpsAgent: https.Agent } | undefined;
/** Keep-alive agents for requests to typed addresses (AWS endpoint overrides, webhooks). */
export function egressAgents(): { httpAgent: http.Agent; httpsAgent: https.Agent } {
  agents ??= {
    httpAgent: guardAgent(new http.Agent({ keepAlive: true })),
    httpsAgent: guardAgent(new https.Agent({ keepAlive: true })),
  };
  return agents;
}

/**
 * A TCP socket for pg's `stream` option: pg calls `connect(port, host)` on it, which here
 * checks the host and resolves it through egressLookup. A refusal surfaces as the socket's
 * 'error' event, which pg reports as the connection's failure.
 */
export function egressSocket(): net.Socket {
  const socket = new net.Socket();
  const connect = socket.connect.bind(socket) as (options: net.TcpSocketConnectOpts) => net.Socket;
  (socket as unknown as { connect: (port: number | string, host?: string) => net.Socket }).connect = (port, host) => {
    try {
      // pg passes one path for a host starting with "/": a Unix socket on this machine.
      if (typeof port !== 'number') throw new EgressRefusedError('unixSocket');
      return connect(guarded({ port, host }));
    } catch (error) {
      process.nextTick(() => socket.destroy(error as Error));
      return socket;
    }
  };
  return socket;
}
