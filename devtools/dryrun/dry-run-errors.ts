// Why a dry run did not start: said before any request reaches the provider.

/** The dry run cannot run as asked (an unknown connection, a paused one, a sync file that defines no sync…). */
export class DryRunRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DryRunRefusedError';
  }
}
