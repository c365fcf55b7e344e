// Encrypts credentials at rest with AES-256-GCM; each ciphertext names the key that sealed it, so keys can rotate.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

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
  }

  /** `context` (for example the connection id) is bound as associated data, so a ciphertext cannot be moved to another record. */
  seal(value: unknown, context: string): SealedSecret {
    const { id, key } = this.keys[0];
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context));
    const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return { keyId: id, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  }

  open<T>(sealed: SealedSecret, context: string): T {
    const key = this.byId.get(sealed.keyId);
    if (!key) throw new Error(`No encryption key with id "${sealed.keyId}" is configured`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as T;
  }

  /** True when the value was sealed with an older key and should be re-sealed. */
  isStale(sealed: SealedSecret): boolean {
    return sealed.keyId !== this.keys[0].id;
  }
}
