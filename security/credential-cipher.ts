// Encrypts credentials at rest with AES-256-GCM; each ciphertext names the key that sealed it, so keys can rotate.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** GCM's full tag length; every ciphertext this code seals has one. */
const AUTH_TAG_BYTES = 16;

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/** What is stored in MongoDB instead of a secret. */
export interface SealedSecret {
  keyId: string;
  iv: string;
  tag: string;
  data: string;
}

export class CredentialCipher {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: EncryptionKey[]) {
    if (keys.length === 0) throw new Error('CredentialCipher needs at least one key');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
    // Two keys under one id: ciphertexts name their key by id, so one of the two could never open anything.
    if (this.byId.size !== keys.length) throw new Error('CredentialCipher: every encryption key needs its own id');
  }

  /** The id of the key that seals; anything sealed under another id is stale. */
  get currentKeyId(): string {
    return this.keys[0].id;
  }

  /** `context` (for example the connection id) is bound as associated data, so a ciphertext cannot be moved to another record. */
  seal(value: unknown, context: string): SealedSecret {
    const { id, key } = this.keys[0];
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: AUTH_TAG_BYTES });
    cipher.setAAD(Buffer.from(context));
    const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return { keyId: id, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  }

  open<T>(sealed: SealedSecret, context: string): T {
    const key = this.byId.get(sealed.keyId);
    if (!key) throw new Error(`No encryption key with id "${sealed.keyId}" is configured`);
    // Pinned: GCM would otherwise accept a truncated tag, which a forger needs far fewer guesses to match.
    const tag = Buffer.from(sealed.tag, 'base64');
    if (tag.length !== AUTH_TAG_BYTES) throw new Error(`sealed secret has a ${tag.length}-byte authentication tag; only ${AUTH_TAG_BYTES} bytes are accepted`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'), { authTagLength: AUTH_TAG_BYTES });
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as T;
  }

  /** True when the value was sealed with an older key and should be re-sealed. */
  isStale(sealed: SealedSecret): boolean {
    return sealed.keyId !== this.keys[0].id;
  }
}
