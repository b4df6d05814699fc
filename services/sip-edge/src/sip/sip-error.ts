/** A message that is not valid SIP: dropped, or answered 400 when it is a request we can answer. */
export class SipParseError extends Error {
  readonly code = 'sip_parse_error';
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'SipParseError';
  }
}

/** A request that could not be completed: no answer (timeout), transport failure, or a final error reply. */
export class SipRequestError extends Error {
  readonly code: 'sip_timeout' | 'sip_transport' | 'sip_rejected';
  readonly retryable: boolean;
  constructor(
    code: 'sip_timeout' | 'sip_transport' | 'sip_rejected',
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SipRequestError';
    this.code = code;
    this.retryable = code !== 'sip_rejected';
  }
}
