/**
 * A value that must never reach a log, a message or the audit trail (tokens, the VPN package URL with its SAS
 * token, certificate blobs). Printing, string interpolation and JSON all show "[redacted]"; only reveal() gives
 * the value, at the one place that sends it to Azure.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself, for the call that needs it. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return "[redacted]";
  }

  toJSON(): string {
    return "[redacted]";
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "Secret([redacted])";
  }
}
