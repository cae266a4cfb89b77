// Input rules for provider connections (Settings → Providers): where the dashboard
// reaches a secret manager. Holds no credentials by design: the SDKs' default chains
// supply them, optionally assuming an AWS role. The fields every kind has are checked
// on their own, next to one schema per kind discriminated by `kind`: a discriminated
// union stops at a missing kind, and an empty form must still hear about every field.
import { z } from 'zod';
import { checkHttpUrl, singleLineName } from './form-fields';
import { blankToUndefined } from './parse';

export const CONNECTION_KINDS = ['aws', 'gcp', 'local'] as const;
export type TConnectionKind = (typeof CONNECTION_KINDS)[number];

// Standard, GovCloud, China and ISO partitions: us-east-1, eu-central-2, us-gov-west-1, cn-north-1.
export const AWS_REGION_RE = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
export const AWS_ROLE_ARN_RE = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
export const GCP_PROJECT_ID_RE = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
// europe-west1, us-central1, northamerica-northeast2
export const GCP_LOCATION_RE = /^[a-z]+(-[a-z]+)+\d{1,2}$/;

const trimmedOptional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => blankToUndefined(typeof v === 'string' ? v.trim() : v), schema.optional());

const name = singleLineName(100);

/** A required field in `re`'s format. An empty one is told `missing` alone (abort): it needs
 *  "enter it", not also "that is not the format". */
const requiredMatching = (missing: string, re: RegExp, invalid: string) =>
  z.string({ message: missing }).trim().min(1, { message: missing, abort: true }).regex(re, invalid);

/** An endpoint override: a plain http(s) URL, never one carrying a user name or password. */
const endpoint = trimmedOptional(
  z
    .string()
    .max(500, 'The endpoint is at most 500 characters')
    .superRefine((text, ctx) => {
      checkHttpUrl(text, ctx, {
        protocol: 'The endpoint must start with https:// or http://',
        credentials: 'The endpoint must not contain a user name or password: no credentials are stored',
      });
    })
    // Stored without a trailing slash so the same endpoint is not saved two ways.
    .transform((text) => text.replace(/\/+$/, '')),
);

/** updatedAt the editor saw; a mismatch means someone else saved in between. */
const expectedUpdatedAt = z.preprocess(blankToUndefined, z.iso.datetime().optional());

export const ZAwsConnection = z.object({
  kind: z.literal('aws'),
  region: requiredMatching('Enter the AWS region, e.g. eu-west-1', AWS_REGION_RE, 'Use an AWS region code such as us-east-1, eu-central-2 or us-gov-west-1'),
  roleArn: trimmedOptional(z.string().regex(AWS_ROLE_ARN_RE, 'Use an IAM role ARN such as arn:aws:iam::123456789012:role/secrets-dashboard')),
  endpoint,
});

export const ZGcpConnection = z.object({
  kind: z.literal('gcp'),
  projectId: requiredMatching(
    'Enter the GCP project id, e.g. acme-prod',
    GCP_PROJECT_ID_RE,
    'Project ids are 6 to 30 characters: lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen',
  ),
  location: trimmedOptional(z.string().regex(GCP_LOCATION_RE, 'Use a GCP location such as europe-west1 or us-central1, or leave it empty for global secrets')),
  endpoint,
});

export const ZLocalConnection = z.object({
  kind: z.literal('local'),
});

/** What every kind has. */
const ZConnectionCommon = z.object({ name, expectedUpdatedAt });

const ZConnectionKindFields = z.discriminatedUnion('kind', [ZAwsConnection, ZGcpConnection, ZLocalConnection], {
  error: (issue) => (issue.code === 'invalid_union' ? 'Choose the kind of connection: AWS, GCP or local development' : undefined),
});

// Both sides are parsed and report their problems together (each strips the other's keys).
export const ZConnectionInput = z.intersection(ZConnectionCommon, ZConnectionKindFields);

export type TConnectionInput = z.infer<typeof ZConnectionInput>;

/** Ids passed to actions; a malformed one reads as "no such connection". */
export const ZConnectionId = z.uuid({ message: 'This connection does not exist.' });
