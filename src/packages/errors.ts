// The one error type of the packages layer; its message is the full user-facing text.
export class PackageError extends Error {
  constructor(message: string) {
    super(message.startsWith('error: ') ? message : `error: ${message}`);
    this.name = 'PackageError';
  }
}
