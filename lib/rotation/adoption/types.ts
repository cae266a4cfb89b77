// What adoption evidence looks like, whatever its source (the provider's access history
// for provider secrets, the database's own session list for alternating users). The
// engine stores each observation as a rotation_adoptions row and decides from the rows
// whether the old value may be retired (./decide.ts).

/** A system the secret declares as a consumer, with the identities evidence can name:
 *  cloud principals (IAM ARNs, service-account emails) for provider reads; for database
 *  sessions, a principal equal to the session's application name or client address. */
export type DeclaredConsumer = { systemId: string; name: string; principals: string[] };

/** What one check saw of one consumer, declared or not. */
export type Observation = {
  /** "system:<uuid>", "principal:<identity>" or "session:<client address>|<application>". */
  key: string;
  systemId: string | null;
  label: string;
  declared: boolean;
  /** False for a declared system with no identity the evidence could name. */
  observable: boolean;
  /** When it was first seen on the new value (read the current version after promotion,
   *  or logged in as the new user); null when not seen on it. */
  movedAt: Date | null;
  /** Seen on the old value at this check (read the previous version after promotion, or a
   *  live session as the old user), and when that was last seen. */
  onOld: boolean;
  oldSeenAt: Date | null;
  /** Identifiers only, never a value. */
  evidence: Record<string, string | number | boolean | null>;
};

/** The run facts evidence is read against. */
export type AdoptionRun = {
  secretId: string;
  promotedAt: Date;
  previousVersionId: string | null;
  newVersionId: string;
};
