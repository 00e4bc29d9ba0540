import { errorTypeOf, type CallReport } from '../../load/index.js';

/**
 * undici's own error codes, in the words a user searches for. A connection the server closed
 * mid-request is a reset whatever undici calls it ("other side closed"); every way a
 * request can run out of time is a `timeout`, like a call past `--timeout`.
 */
const UNDICI_CODES: Record<string, string> = {
  UND_ERR_SOCKET: 'ECONNRESET',
  UND_ERR_CLOSED: 'ECONNRESET',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'connect_timeout',
  UND_ERR_ABORTED: 'aborted',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'content_length_mismatch',
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: 'content_length_mismatch',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'response_too_large',
  HPE_INVALID_CONSTANT: 'invalid_response',
};

/**
 * The error type a failed request is counted under: the system's code (`ECONNREFUSED`,
 * `ENOTFOUND`, a TLS code such as `DEPTH_ZERO_SELF_SIGNED_CERT`), undici's in plain words,
 * else what `errorTypeOf` says of any failure.
 */
export function failureType(error: unknown): string {
  const type = errorTypeOf(error);
  const cause = (error as { cause?: unknown } | null)?.cause;
  // undici wraps the socket's own error (ECONNRESET, EPIPE) as the cause of its own.
  if (type === 'UND_ERR_SOCKET' && cause) {
    const causeType = errorTypeOf(cause);
    if (/^E[A-Z]+$/.test(causeType)) return causeType;
  }
  if (Object.hasOwn(UNDICI_CODES, type)) return UNDICI_CODES[type]!;
  if (type.startsWith('HPE_')) return 'invalid_response';
  return type;
}

/**
 * One frozen report per failure type, made once: a failing service (every request refused,
 * every answer a 503) costs no allocation per request.
 */
export class FailureReports {
  private readonly byType = new Map<string, CallReport>();
  private readonly byStatus: Array<CallReport | undefined> = [];

  of(errorType: string): CallReport {
    let report = this.byType.get(errorType);
    if (!report) {
      report = Object.freeze({ success: false, errorType });
      this.byType.set(errorType, report);
    }
    return report;
  }

  status(code: number): CallReport {
    return (this.byStatus[code] ??= this.of(`http_${code}`));
  }
}
