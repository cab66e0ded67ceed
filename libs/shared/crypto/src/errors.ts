/** A key ring, key id or wrapped key that cannot be used (configuration or key-store problem). */
export class MasterKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MasterKeyError';
  }
}
