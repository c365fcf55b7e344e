// Why `npm run new` wrote nothing: a bad name, a file that exists, a catalog entry it cannot edit.

export class ScaffoldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScaffoldError';
  }
}
