/** Why a bank statement was rejected: the API answers both with 400. */
export type Camt053ErrorCode = 'MALFORMED_STATEMENT' | 'UNSUPPORTED_VERSION';

/** A bank statement that cannot be read. `element` is the path of the offending element, if any. */
export class Camt053Error extends Error {
  override readonly name = 'Camt053Error';

  constructor(
    readonly code: Camt053ErrorCode,
    message: string,
    readonly element: string | null = null,
  ) {
    super(message);
  }
}

/** A mandatory part is missing or unusable: `<path>: <problem>`. */
export function malformed(element: string, problem: string): Camt053Error {
  return new Camt053Error('MALFORMED_STATEMENT', `${element}: ${problem}`, element);
}
