// The AWS Secrets Manager adapter. It writes values with the caller's idempotency token as
// ClientRequestToken, so a retried submit lands on the same version, and it speaks in
// staging labels (AWSCURRENT/AWSPREVIOUS) where other providers enable and disable versions.
// Credentials come from the SDK's default chain, optionally assuming a role; every failure
// leaves through toProviderError (aws-errors.ts), never with the SDK's own message.
import 'server-only';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  type ListSecretVersionIdsCommandOutput,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { awsErrorName, toProviderError } from './aws-errors';
import { labelsToAwsTags } from './aws-tags';
import { ProviderError } from './errors';
import { RotationUnsupported } from './rotation-unsupported';
import type { ConnectionConfig, ConnectionTestResult, ProviderVersion, SecretProvider, WriteValueInput, WrittenVersion } from './types';

export interface AwsProviderOptions {
  /** Deadline for one provider call, retries included. */
  timeoutMs: number;
  /** SDK attempts per request (default 3). Tests lower it to stay fast. */
  maxAttempts?: number;
}

const CURRENT = 'AWSCURRENT';
const MAX_DESCRIPTION = 2048;

type SendOptions = { abortSignal: AbortSignal };

export class AwsSecretsManagerProvider extends RotationUnsupported implements SecretProvider {
  readonly kind = 'aws' as const;
  readonly nativeIdempotency = true;
  readonly #client: SecretsManagerClient;

  constructor(
    readonly config: Extract<ConnectionConfig, { kind: 'aws' }>,
    readonly options: AwsProviderOptions,
  ) {
    super();
    this.#client = new SecretsManagerClient({
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      maxAttempts: options.maxAttempts ?? 3,
      // Per attempt; the whole call is also bounded by the abort signal in #call.
      requestHandler: { requestTimeout: options.timeoutMs, connectionTimeout: options.timeoutMs },
      ...(config.roleArn
        ? {
            credentials: fromTemporaryCredentials({
              params: { RoleArn: config.roleArn, RoleSessionName: 'secret-inventory-dashboard' },
              clientConfig: { region: config.region },
            }),
          }
        : {}),
    });
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
   *  Put) means this token already wrote a version: that version is the answer. */
  async #put(input: WriteValueInput, send: SendOptions): Promise<string> {
    try {
      const out = await this.#client.send(
        new PutSecretValueCommand({ SecretId: input.ref, SecretString: input.value.reveal(), ClientRequestToken: input.idempotencyToken }),
        send,
      );
      return out.VersionId ?? input.idempotencyToken;
    } catch (error) {
      if (awsErrorName(error) === 'ResourceExistsException') return input.idempotencyToken;
      throw error;
    }
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
        if (awsErrorName(error) === 'InvalidParameterException') {
          throw new ProviderError(
            'conflict',
            'AWS refused to move the label: the version does not exist or the label moved meanwhile. Reload the versions and try again.',
            'InvalidParameterException',
          );
        }
        throw error;
      }
    });
  }
}
