// The shape every access-log source (CloudTrail, Cloud Audit Logs) hands to ingestion:
// one provider event, identifiers only, plus how to find its inventory secret.

export type AccessEventInput = {
  providerEventId: string;
  occurredAt: Date;
  eventName: string;
  principal: string;
  principalType: string;
  sourceIp: string | null;
  userAgent: string | null;
  secretRef: string;
  errorCode: string | null;
  summary: Record<string, string | number | boolean | null>;
  /** Inventory lookup keys, best first (AWS names / GCP ids); empty when out of scope. */
  keys: string[];
};

/** Event names that read a value: what "who reads this secret" counts. */
export const READ_EVENTS = ['GetSecretValue', 'BatchGetSecretValue', 'AccessSecretVersion'] as const;
