// The AWS Secrets Manager adapter. It writes values with the caller's idempotency token as
// ClientRequestToken, so a retried submit lands on the same version, and it speaks in
// staging labels (AWSCURRENT/AWSPREVIOUS) where other providers enable and disable versions.
// Rotation uses the labels too: a new value waits as AWSPENDING, promotion moves AWSCURRENT
// (AWSPREVIOUS follows, which is the grace period), retiring takes the labels off.
// Credentials come from the SDK's default chain, optionally assuming a role. Requests are
// SigV4-signed: an endpoint override receives the access key id, the signature (bound to
// that host, date, region and request) and a session token, never the secret key, so it
// cannot sign requests of its own; it does see request bodies, which is why endpoints pass
// the egress policy and only administrators set them. Every failure
// leaves through toProviderError (aws-errors.ts), never with the SDK's own message.
import 'server-only';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  type ListSecretVersionIdsCommandOutput,
  PutSecretValueCommand,
  RotateSecretCommand,
  TagResourceCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { awsErrorName, toProviderError } from './aws-errors';
import { labelsToAwsTags } from './aws-tags';
import { ProviderError } from './errors';
import { DASHBOARD_CALLER } from './own-identity';
import { egressAgents } from '@/lib/net/egress';
import { SecretValue } from '@/lib/secret-value';
import type { ConnectionConfig, ConnectionTestResult, ProviderVersion, SecretProvider, WriteValueInput, WrittenVersion } from './types';

export interface AwsProviderOptions {
  /** Deadline for one provider call, retries included. */
  timeoutMs: number;
  /** SDK attempts per request (default 3). Tests lower it to stay fast. */
  maxAttempts?: number;
}

const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';
const PENDING = 'AWSPENDING';
const MAX_DESCRIPTION = 2048;

type SendOptions = { abortSignal: AbortSignal };
type Stages = Record<string, string[]>;

const holderOf = (stages: Stages, label: string) => Object.entries(stages).find(([, labels]) => labels.includes(label))?.[0];

const MESSAGES = {
  labelMoved: 'AWS refused to move the label: the version does not exist or the label moved meanwhile. Reload the versions and try again.',
  notPending: 'This version is neither pending nor current any more (another write or rotation changed the labels), so it was not promoted.',
  retireCurrent: 'This version is the current one (AWSCURRENT); it cannot be retired.',
  rollbackMoved: 'A newer version became current after the rotation, so the rollback was not done. Reload the versions.',
  binary: 'This secret holds a binary value (SecretBinary); the dashboard reads text values only.',
  noLambda: 'This secret has no rotation Lambda configured in AWS, and none was given. Configure rotation for it in AWS Secrets Manager first.',
  busy: 'AWS refused to start the rotation: another rotation of this secret is still in progress (AWSPENDING is on a version that is not current), or the secret is scheduled for deletion.',
  lambdaDenied:
    "AWS Secrets Manager could not invoke the rotation Lambda, or the dashboard's identity may not call RotateSecret. Check the Lambda's resource policy (principal secretsmanager.amazonaws.com) and the dashboard's secretsmanager:RotateSecret permission.",
} as const;

/** The SDK client for a connection; discovery's listing (lib/discovery/sources/aws.ts) builds its own the same way. */
export function secretsManagerClient(config: Extract<ConnectionConfig, { kind: 'aws' }>, options: AwsProviderOptions): SecretsManagerClient {
  return new SecretsManagerClient({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    maxAttempts: options.maxAttempts ?? 3,
    // Access history leaves the dashboard's own reads out by this (./own-identity.ts).
    customUserAgent: DASHBOARD_CALLER,
    // Per attempt; the adapter also bounds a whole call by an abort signal (#call). An endpoint
    // override was typed by a person, so its sockets go through the egress policy (the
    // default regional endpoints may resolve to VPC endpoints' private addresses).
    requestHandler: {
      requestTimeout: options.timeoutMs,
      connectionTimeout: options.timeoutMs,
      ...(config.endpoint ? egressAgents() : {}),
    },
    ...(config.roleArn
      ? {
          credentials: fromTemporaryCredentials({
            params: { RoleArn: config.roleArn, RoleSessionName: DASHBOARD_CALLER },
            clientConfig: { region: config.region },
          }),
        }
      : {}),
  });
}

export class AwsSecretsManagerProvider implements SecretProvider {
  readonly kind = 'aws' as const;
  readonly nativeIdempotency = true;
  readonly supportsStaging = true;
  readonly #client: SecretsManagerClient;

  constructor(
    readonly config: Extract<ConnectionConfig, { kind: 'aws' }>,
    readonly options: AwsProviderOptions,
  ) {
    this.#client = secretsManagerClient(config, options);
  }

  /** Runs `work` under one deadline for the whole provider call; any failure becomes a ProviderError. */
  async #call<T>(work: (send: SendOptions) => Promise<T>): Promise<T> {
    try {
      return await work({ abortSignal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (error) {
      throw toProviderError(error);
    }
  }

  async testConnection(): Promise<ConnectionTestResult> {
    try {
      await this.#call((send) => this.#client.send(new ListSecretsCommand({ MaxResults: 1 }), send));
      return { ok: true, detail: `Reached AWS Secrets Manager in ${this.config.region}` };
    } catch (error) {
      const failure = toProviderError(error);
      return { ok: false, code: failure.code, message: failure.message };
    }
  }

  async writeValue(input: WriteValueInput): Promise<WrittenVersion> {
    return this.#call(async (send) => {
      try {
        const versionId = await this.#put(input, send);
        return { versionId, createdAt: new Date(), createdSecret: false };
      } catch (error) {
        if (awsErrorName(error) !== 'ResourceNotFoundException') throw error;
      }
      if (input.ref.startsWith('arn:')) {
        throw new ProviderError(
          'not_found',
          'The AWS secret named by this ARN does not exist. The dashboard creates secrets by name only: use a name as the provider reference, or create the secret in AWS first.',
          'ResourceNotFoundException',
        );
      }
      try {
        const created = await this.#client.send(
          new CreateSecretCommand({
            Name: input.ref,
            SecretString: input.value.reveal(),
            ClientRequestToken: input.idempotencyToken,
            Tags: labelsToAwsTags(input.labels),
            ...(input.description ? { Description: input.description.slice(0, MAX_DESCRIPTION) } : {}),
          }),
          send,
        );
        return { versionId: created.VersionId ?? input.idempotencyToken, createdAt: new Date(), createdSecret: true };
      } catch (error) {
        if (awsErrorName(error) !== 'ResourceExistsException') throw error;
      }
      // Someone created the secret meanwhile (or this token already did): add the version to it.
      // The repeated Put settles which: same token and value repeat, a different value clashes.
      const versionId = await this.#put(input, send);
      return { versionId, createdAt: new Date(), createdSecret: false };
    });
  }

  /** PutSecretValue with the idempotency token. A token clash (ResourceExistsException on a
   *  Put) means this token already wrote a version: that version is the answer. A pending
   *  write takes AWSPENDING only. (CreateSecret takes no labels: a secret's first version is
   *  current at once, pending or not, as AWS makes any first version AWSCURRENT.) */
  async #put(input: WriteValueInput, send: SendOptions): Promise<string> {
    try {
      const out = await this.#client.send(
        new PutSecretValueCommand({
          SecretId: input.ref,
          SecretString: input.value.reveal(),
          ClientRequestToken: input.idempotencyToken,
          ...(input.stage === 'pending' ? { VersionStages: [PENDING] } : {}),
        }),
        send,
      );
      return out.VersionId ?? input.idempotencyToken;
    } catch (error) {
      if (awsErrorName(error) === 'ResourceExistsException') return input.idempotencyToken;
      throw error;
    }
  }

  /** AWS makes the ClientRequestToken the version id. */
  async versionWrittenWith(ref: string, token: string): Promise<ProviderVersion | null> {
    return (await this.listVersions(ref)).find((v) => v.versionId === token) ?? null;
  }

  async listVersions(ref: string): Promise<ProviderVersion[]> {
    return this.#call(async (send) => {
      const versions: NonNullable<ListSecretVersionIdsCommandOutput['Versions']> = [];
      let nextToken: string | undefined;
      try {
        do {
          const page = await this.#client.send(
            new ListSecretVersionIdsCommand({ SecretId: ref, IncludeDeprecated: true, MaxResults: 100, NextToken: nextToken }),
            send,
          );
          versions.push(...(page.Versions ?? []));
          nextToken = page.NextToken;
        } while (nextToken);
      } catch (error) {
        if (awsErrorName(error) === 'ResourceNotFoundException') return [];
        throw error;
      }
      return versions
        .filter((v): v is typeof v & { VersionId: string } => typeof v.VersionId === 'string')
        .map((v) => {
          const labels = v.VersionStages ?? [];
          return {
            versionId: v.VersionId,
            createdAt: v.CreatedDate ?? null,
            labels,
            state: labels.length > 0 ? ('enabled' as const) : ('deprecated' as const),
            current: labels.includes(CURRENT),
          };
        })
        .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
    });
  }

  async setVersionEnabled(): Promise<void> {
    throw new ProviderError(
      'unsupported',
      'AWS Secrets Manager has no enabled/disabled versions: AWS uses staging labels. Move AWSCURRENT to choose the version that is read.',
    );
  }

  async moveLabel(ref: string, label: string, toVersionId: string): Promise<void> {
    return this.#call(async (send) => {
      const described = await this.#client.send(new DescribeSecretCommand({ SecretId: ref }), send);
      const holder = Object.entries(described.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes(label))?.[0];
      if (holder === toVersionId) return;
      try {
        await this.#client.send(
          new UpdateSecretVersionStageCommand({
            SecretId: ref,
            VersionStage: label,
            MoveToVersionId: toVersionId,
            ...(holder ? { RemoveFromVersionId: holder } : {}),
          }),
          send,
        );
      } catch (error) {
        throw labelConflict(error);
      }
    });
  }

  // ---- rotation ------------------------------------------------------------------------

  /** TagResource adds or overwrites the given keys only; other tags stay. */
  async setLabels(ref: string, labels: Record<string, string>): Promise<void> {
    await this.#call((send) => this.#client.send(new TagResourceCommand({ SecretId: ref, Tags: labelsToAwsTags(labels) }), send));
  }

  /** Labelled versions only (VersionIdsToStages); deprecated ones are not in it. */
  async #stages(ref: string, send: SendOptions): Promise<Stages> {
    const described = await this.#client.send(new DescribeSecretCommand({ SecretId: ref }), send);
    return described.VersionIdsToStages ?? {};
  }

  /** One UpdateSecretVersionStage; a label that moved meanwhile is a conflict. */
  async #stage(ref: string, label: string, move: { to?: string; from?: string }, send: SendOptions): Promise<void> {
    try {
      await this.#client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: ref,
          VersionStage: label,
          ...(move.to ? { MoveToVersionId: move.to } : {}),
          ...(move.from ? { RemoveFromVersionId: move.from } : {}),
        }),
        send,
      );
    } catch (error) {
      throw labelConflict(error);
    }
  }

  /** Takes every label but AWSCURRENT off `versionId`, one call per label. */
  async #unlabel(ref: string, versionId: string, labels: string[], send: SendOptions): Promise<void> {
    for (const label of labels) if (label !== CURRENT) await this.#stage(ref, label, { from: versionId }, send);
  }

  async currentVersionId(ref: string): Promise<string | null> {
    return this.#call(async (send) => {
      try {
        return holderOf(await this.#stages(ref, send), CURRENT) ?? null;
      } catch (error) {
        if (awsErrorName(error) === 'ResourceNotFoundException') return null;
        throw error;
      }
    });
  }

  /** AWSCURRENT moves onto the pending version (AWS puts AWSPREVIOUS on the one it left),
   *  then AWSPENDING comes off it. A re-run finds it current and only finishes the cleanup. */
  async promote(ref: string, versionId: string): Promise<void> {
    return this.#call(async (send) => {
      const stages = await this.#stages(ref, send);
      const labels = stages[versionId] ?? [];
      if (!labels.includes(CURRENT)) {
        // Only a version still pending may become current: one that lost AWSPENDING was
        // abandoned, and one holding only AWSPREVIOUS was already superseded.
        if (!labels.includes(PENDING)) throw new ProviderError('conflict', MESSAGES.notPending);
        await this.#stage(ref, CURRENT, { to: versionId, from: holderOf(stages, CURRENT) }, send);
      }
      if (labels.includes(PENDING)) await this.#stage(ref, PENDING, { from: versionId }, send);
    });
  }

  /** The version loses AWSPREVIOUS (and any other label) and becomes deprecated. Already
   *  deprecated, or gone: nothing to do. */
  async retire(ref: string, versionId: string): Promise<void> {
    return this.#call(async (send) => {
      const labels = (await this.#stages(ref, send))[versionId] ?? [];
      if (labels.includes(CURRENT)) throw new ProviderError('conflict', MESSAGES.retireCurrent);
      await this.#unlabel(ref, versionId, labels, send);
    });
  }

  /** AWSCURRENT goes back to the previous version (AWSPREVIOUS lands on the failed one),
   *  then the failed one is retired. AWS needs no new version, so `token` is unused. */
  async rollback(ref: string, previousVersionId: string, failedVersionId: string, _token: string): Promise<{ currentVersionId: string }> {
    return this.#call(async (send) => {
      let stages = await this.#stages(ref, send);
      const current = holderOf(stages, CURRENT);
      if (current !== previousVersionId) {
        if (current !== failedVersionId) throw new ProviderError('conflict', MESSAGES.rollbackMoved);
        await this.#stage(ref, CURRENT, { to: previousVersionId, from: failedVersionId }, send);
        stages = await this.#stages(ref, send);
      }
      await this.#unlabel(ref, failedVersionId, stages[failedVersionId] ?? [], send);
      return { currentVersionId: previousVersionId };
    });
  }

  async readValue(ref: string, versionId?: string): Promise<SecretValue> {
    return this.#call(async (send) => {
      const out = await this.#client.send(
        new GetSecretValueCommand({ SecretId: ref, ...(versionId ? { VersionId: versionId } : { VersionStage: CURRENT }) }),
        send,
      );
      if (typeof out.SecretString !== 'string') throw new ProviderError('unsupported', MESSAGES.binary);
      return new SecretValue(out.SecretString);
    });
  }

  /** RotateSecret with `token` as the new version's id. A re-run whose version already
   *  exists (pending, promoted or abandoned) reports it and starts nothing. */
  async startNativeRotation(ref: string, token: string, lambdaArn?: string): Promise<{ versionId: string }> {
    return this.#call(async (send) => {
      const described = await this.#client.send(new DescribeSecretCommand({ SecretId: ref }), send);
      if (await this.#hasVersion(ref, token, described.VersionIdsToStages ?? {}, send)) return { versionId: token };
      if (!lambdaArn && !described.RotationLambdaARN) throw new ProviderError('invalid', MESSAGES.noLambda);
      try {
        const out = await this.#client.send(
          new RotateSecretCommand({
            SecretId: ref,
            ClientRequestToken: token,
            ...(lambdaArn ? { RotationLambdaARN: lambdaArn } : {}),
            RotateImmediately: true,
          }),
          send,
        );
        return { versionId: out.VersionId ?? token };
      } catch (error) {
        const name = awsErrorName(error);
        if (name === 'InvalidRequestException') {
          // A lost answer to our own earlier call looks like "rotation in progress".
          if (await this.#hasVersion(ref, token, {}, send)) return { versionId: token };
          throw new ProviderError('conflict', MESSAGES.busy, name);
        }
        if (name === 'AccessDeniedException') throw new ProviderError('permission_denied', MESSAGES.lambdaDenied, name);
        throw error;
      }
    });
  }

  /** From the labels of the rotation's version: AWSCURRENT (or AWSPREVIOUS, once a later
   *  write superseded it) = completed; AWSPENDING = in progress; no label = failed (the
   *  Lambda gave up and took AWSPENDING off). A Lambda that fails without cleaning up leaves
   *  AWSPENDING, so the caller needs its own deadline. */
  async nativeRotationStatus(ref: string, versionId: string): Promise<'in_progress' | 'completed' | 'failed'> {
    return this.#call(async (send) => {
      const labels = (await this.#stages(ref, send))[versionId] ?? [];
      if (labels.includes(CURRENT) || labels.includes(PREVIOUS)) return 'completed';
      if (labels.includes(PENDING)) return 'in_progress';
      return 'failed';
    });
  }

  /** Is `versionId` a version of the secret, labelled or deprecated? */
  async #hasVersion(ref: string, versionId: string, labelled: Stages, send: SendOptions): Promise<boolean> {
    if (versionId in labelled) return true;
    let nextToken: string | undefined;
    do {
      const page = await this.#client.send(
        new ListSecretVersionIdsCommand({ SecretId: ref, IncludeDeprecated: true, MaxResults: 100, NextToken: nextToken }),
        send,
      );
      if (page.Versions?.some((v) => v.VersionId === versionId)) return true;
      nextToken = page.NextToken;
    } while (nextToken);
    return false;
  }
}

/** UpdateSecretVersionStage refuses with InvalidParameterException when the version is
 *  unknown or the label is no longer where we saw it: for the person, a conflict. */
function labelConflict(error: unknown): unknown {
  if (awsErrorName(error) === 'InvalidParameterException') return new ProviderError('conflict', MESSAGES.labelMoved, 'InvalidParameterException');
  return error;
}
