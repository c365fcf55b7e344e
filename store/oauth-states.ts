// Stores OAuth `state`s: one per authorization in flight, hashed, single-use, with its sealed PKCE verifier.
import type { Db } from 'mongodb';
import type { CredentialCipher, SealedSecret } from '../security/credential-cipher';
import { COLLECTIONS } from './database';

export interface OAuthStateDocument {
  /** SHA-256 of the `state` sent through the provider. */
  _id: string;
  /** The connect session that started this authorization (its id, a hash). */
  connectSessionId: string;
  integration: string;
  connectionId: string;
  redirectUrl: string | null;
  allowAccountChange: boolean;
  /** The connect inputs the customer gave (checked): the sign-in's scope and token URL, then the connection's. */
  connectInputs?: Record<string, string>;
  codeVerifier: SealedSecret;
  /** SHA-256 of the nonce in the browser's cookie: the callback must come from the browser that started. */
  browserBindingHash: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface OAuthState {
  connectSessionId: string;
  integration: string;
  connectionId: string;
  redirectUrl: string | null;
  allowAccountChange: boolean;
  connectInputs: Record<string, string>;
  codeVerifier: string;
  browserBindingHash: string;
  expiresAt: Date;
}

export type NewOAuthState = OAuthState & { stateHash: string; createdAt: Date };

/** A state whose sealed verifier no configured key opens (sealed under a key retired since): it can only be refused. */
export interface UnreadableOAuthState {
  unreadable: true;
  /** Why it did not open (which key id is missing, or a failed check); never any content. */
  reason: string;
  integration: string;
  connectionId: string;
}

const sealContext = (stateHash: string) => `oauth-state:${stateHash}`;

export class OAuthStateRepository {
  private readonly collection;

  constructor(db: Db, private readonly cipher: CredentialCipher) {
    this.collection = db.collection<OAuthStateDocument>(COLLECTIONS.oauthStates);
  }

  async create(state: NewOAuthState): Promise<void> {
    // What the TTL index does on MongoDB, for servers without one (FerretDB).
    await this.collection.deleteMany({ expiresAt: { $lte: state.createdAt } });
    const { stateHash, codeVerifier, ...rest } = state;
    await this.collection.insertOne({ _id: stateHash, ...rest, codeVerifier: this.cipher.seal(codeVerifier, sealContext(stateHash)) });
  }

  /**
   * Deletes the state and returns what it held, atomically: of two callbacks with the same state only one gets it.
   * Expired states are returned too (the caller says "expired" rather than "unknown"); either way they are gone.
   */
  async consume(stateHash: string): Promise<OAuthState | UnreadableOAuthState | null> {
    // Read, then deleted by a delete whose count decides: FerretDB 1.24 runs a findOneAndDelete as a read and a delete
    // and answers every caller that read the state with it. A state never changes once stored, so what was read is
    // what the one winning delete removed.
    const doc = await this.collection.findOne({ _id: stateHash });
    if (!doc) return null;
    if ((await this.collection.deleteOne({ _id: stateHash })).deletedCount !== 1) return null;
    let codeVerifier: string;
    try {
      codeVerifier = this.cipher.open<string>(doc.codeVerifier, sealContext(stateHash));
    } catch (error) {
      return { unreadable: true, reason: (error as Error).message, integration: doc.integration, connectionId: doc.connectionId };
    }
    return {
      connectSessionId: doc.connectSessionId,
      integration: doc.integration,
      connectionId: doc.connectionId,
      redirectUrl: doc.redirectUrl,
      allowAccountChange: doc.allowAccountChange === true,
      connectInputs: doc.connectInputs ?? {},
      codeVerifier,
      browserBindingHash: doc.browserBindingHash,
      expiresAt: doc.expiresAt,
    };
  }
}
