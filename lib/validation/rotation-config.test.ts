import { describe, expect, it } from 'vitest';
import { InputError } from '@/lib/errors';
import { parseRotationConfig, ZGeneratedConfig, ZPostgresRoleConfig, ZProviderNativeConfig } from './rotation-config';

const ADMIN = '7d4f0a52-5a3c-4f55-9a1e-0c7b3f1e2d10';

function fieldsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return Object.keys((error as InputError).fieldErrors).sort();
  }
  throw new Error('expected an InputError');
}

describe('ZGeneratedConfig', () => {
  it('defaults to 32 letters and digits, takes form strings, and bounds the length', () => {
    expect(ZGeneratedConfig.parse({})).toEqual({ alphabet: 'alphanumeric', length: 32 });
    expect(ZGeneratedConfig.parse({ alphabet: 'hex', length: '64' })).toEqual({ alphabet: 'hex', length: 64 });
    expect(ZGeneratedConfig.safeParse({ length: 15 }).success).toBe(false);
    expect(ZGeneratedConfig.safeParse({ length: 4097 }).success).toBe(false);
    expect(ZGeneratedConfig.safeParse({ alphabet: 'emoji' }).success).toBe(false);
  });
});

describe('ZPostgresRoleConfig', () => {
  it('needs the admin secret id and a role name of at most 63 bytes, kept as written', () => {
    expect(ZPostgresRoleConfig.parse({ adminSecretId: ADMIN, role: 'App User' })).toEqual({ adminSecretId: ADMIN, role: 'App User', sslmode: 'verify-full' });
    expect(ZPostgresRoleConfig.safeParse({ adminSecretId: ADMIN, role: 'x'.repeat(63) }).success).toBe(true);
    expect(ZPostgresRoleConfig.safeParse({ adminSecretId: ADMIN, role: 'é'.repeat(32) }).success).toBe(false);
    expect(ZPostgresRoleConfig.safeParse({ adminSecretId: ADMIN, role: 'a\0b' }).success).toBe(false);
    expect(ZPostgresRoleConfig.safeParse({ adminSecretId: 'not-a-uuid', role: 'app' }).success).toBe(false);
    expect(ZPostgresRoleConfig.safeParse({ adminSecretId: ADMIN, role: '' }).success).toBe(false);
  });

  it('TLS defaults to verify-full; less only when asked for by name', () => {
    expect(ZPostgresRoleConfig.parse({ adminSecretId: ADMIN, role: 'app', sslmode: '' }).sslmode).toBe('verify-full');
    expect(ZPostgresRoleConfig.parse({ adminSecretId: ADMIN, role: 'app', sslmode: 'disable' }).sslmode).toBe('disable');
    expect(ZPostgresRoleConfig.safeParse({ adminSecretId: ADMIN, role: 'app', sslmode: 'prefer' }).success).toBe(false);
  });
});

describe('ZProviderNativeConfig', () => {
  it('takes an optional Lambda function ARN; blank means none', () => {
    expect(ZProviderNativeConfig.parse({})).toEqual({});
    expect(ZProviderNativeConfig.parse({ lambdaArn: '' }).lambdaArn).toBeUndefined();
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:rotate-db';
    expect(ZProviderNativeConfig.parse({ lambdaArn: arn }).lambdaArn).toBe(arn);
    expect(ZProviderNativeConfig.parse({ lambdaArn: `${arn}:live` }).lambdaArn).toBe(`${arn}:live`);
    expect(ZProviderNativeConfig.safeParse({ lambdaArn: 'arn:aws:s3:::bucket' }).success).toBe(false);
  });
});

describe('parseRotationConfig', () => {
  it('parses each strategy with its schema; manual keeps nothing', () => {
    expect(parseRotationConfig('manual', { anything: 1 })).toEqual({ strategy: 'manual', config: null });
    expect(parseRotationConfig('generated', null)).toEqual({ strategy: 'generated', config: { alphabet: 'alphanumeric', length: 32 } });
    expect(parseRotationConfig('postgres_role', { adminSecretId: ADMIN, role: 'app' })).toEqual({
      strategy: 'postgres_role',
      config: { adminSecretId: ADMIN, role: 'app', sslmode: 'verify-full' },
    });
    expect(parseRotationConfig('provider_native', undefined)).toEqual({ strategy: 'provider_native', config: {} });
  });

  it('throws InputError naming the bad fields', () => {
    expect(fieldsOf(() => parseRotationConfig('postgres_role', { role: '' }))).toEqual(['adminSecretId', 'role']);
    expect(fieldsOf(() => parseRotationConfig('generated', { length: 3 }))).toEqual(['length']);
  });
});
