import dns from 'node:dns';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { addressRefusal, assertHostLiteral, EgressRefusedError, egressRefusalForUrl, parseEgressAllow, resolveEgress } from './egress';

const none = parseEgressAllow([]);

afterEach(() => vi.restoreAllMocks());

describe('addressRefusal without EGRESS_ALLOW', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['fd00::1', 'uniqueLocal'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['169.254.169.254', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.100.100.200', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['64:ff9b::a9fe:a9fe', 'rfc6052'],
    ['2002:a9fe:a9fe::1', '6to4'],
    ['::a9fe:a9fe', 'ipv4Compatible'],
  ])('refuses %s (%s)', (ip, reason) => {
    expect(addressRefusal(ip, none)).toBe(reason);
  });

  it('refuses IPv4-mapped IPv6 addresses as the IPv4 address they carry', () => {
    expect(addressRefusal('::ffff:127.0.0.1', none)).toBe('loopback');
    expect(addressRefusal('::ffff:a9fe:a9fe', none)).toBe('linkLocal');
    expect(addressRefusal('::ffff:10.1.2.3', none)).toBe('private');
    expect(addressRefusal('::ffff:8.8.8.8', none)).toBeNull();
  });

  it('lets public unicast addresses pass', () => {
    expect(addressRefusal('8.8.8.8', none)).toBeNull();
    expect(addressRefusal('2607:f8b0:4005:80c::200e', none)).toBeNull();
  });

  it('refuses what is not an address', () => {
    expect(addressRefusal('not-an-ip', none)).toBe('invalid');
  });
});

describe('EGRESS_ALLOW', () => {
  it('allows single addresses and CIDRs, and nothing next to them', () => {
    const policy = parseEgressAllow(['127.0.0.1', '10.20.0.0/16', 'fd12::/16']);
    expect(addressRefusal('127.0.0.1', policy)).toBeNull();
    expect(addressRefusal('::ffff:127.0.0.1', policy)).toBeNull();
    expect(addressRefusal('127.0.0.2', policy)).toBe('loopback');
    expect(addressRefusal('10.20.255.1', policy)).toBeNull();
    expect(addressRefusal('10.21.0.1', policy)).toBe('private');
    expect(addressRefusal('fd12:1::5', policy)).toBeNull();
    expect(addressRefusal('fd13::5', policy)).toBe('uniqueLocal');
    expect(addressRefusal('169.254.169.254', policy)).toBe('linkLocal');
  });

  it('reads IPv4-mapped CIDRs as the IPv4 range they map', () => {
    const policy = parseEgressAllow(['::ffff:192.168.0.0/112']);
    expect(addressRefusal('192.168.7.7', policy)).toBeNull();
    expect(addressRefusal('192.169.0.1', policy)).toBeNull();
    expect(addressRefusal('192.167.255.255', policy)).toBeNull();
  });

  it('allows host names by name, whatever they resolve to, and only those', async () => {
    const policy = parseEgressAllow(['Vault.Internal.', 'metadata.google.internal']);
    expect(() => assertHostLiteral('vault.internal', policy)).not.toThrow();
    expect(() => assertHostLiteral('metadata.google.internal', policy)).not.toThrow();
    const lookup = vi.spyOn(dns.promises, 'lookup').mockResolvedValue([{ address: '10.1.1.1', family: 4 }] as never);
    expect(await resolveEgress('vault.internal', policy)).toEqual([{ address: '10.1.1.1', family: 4 }]);
    await expect(resolveEgress('other.internal', policy)).rejects.toBeInstanceOf(EgressRefusedError);
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('rejects entries that are neither CIDR, address nor host name', () => {
    expect(() => parseEgressAllow(['10.0.0.0/40'])).toThrow(/EGRESS_ALLOW: "10.0.0.0\/40"/);
    expect(() => parseEgressAllow(['vault internal'])).toThrow(/neither a CIDR/);
  });
});

describe('host checks', () => {
  it('refuses metadata server names and refused IP literals before any lookup', () => {
    const lookup = vi.spyOn(dns.promises, 'lookup');
    for (const host of ['metadata.google.internal', 'METADATA.google.internal.', 'metadata', '169.254.169.254', '[fd00:ec2::254]', '[::ffff:127.0.0.1]']) {
      expect(() => assertHostLiteral(host, none), host).toThrow(EgressRefusedError);
    }
    expect(lookup).not.toHaveBeenCalled();
  });

  it('connects only to the permitted addresses of a name, and refuses a name with none', async () => {
    vi.spyOn(dns.promises, 'lookup')
      .mockResolvedValueOnce([
        { address: '10.0.0.5', family: 4 },
        { address: '93.184.215.14', family: 4 },
      ] as never)
      .mockResolvedValueOnce([
        { address: '127.0.0.1', family: 4 },
        { address: '::1', family: 6 },
      ] as never);
    expect(await resolveEgress('mixed.example', none)).toEqual([{ address: '93.184.215.14', family: 4 }]);
    const refused = await resolveEgress('localhost', none).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(EgressRefusedError);
    expect((refused as Error).message).toMatch(/loopback address.*EGRESS_ALLOW/);
  });

  it('save-time checks name the refusal, and leave names that do not resolve to the connect-time check', async () => {
    const lookup = vi.spyOn(dns.promises, 'lookup');
    lookup.mockResolvedValueOnce([{ address: '192.168.0.10', family: 4 }] as never);
    expect(await egressRefusalForUrl('https://intranet.example/hook')).toMatch(/private network address/);
    lookup.mockRejectedValueOnce(Object.assign(new Error('nope'), { code: 'ENOTFOUND' }));
    expect(await egressRefusalForUrl('https://not-resolvable.example/hook')).toBeNull();
  });
});
