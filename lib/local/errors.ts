/** A failure of the local runtime that deserves a one-line message, not a stack trace. */
export class LocalRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalRuntimeError';
  }
}
