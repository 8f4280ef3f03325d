/**
 * The edge between DynamoDB's failures and the API's errors. Nothing above the store sees an SDK
 * error: known failures become the matching `ApiError`, anything else an `InternalError` whose
 * `cause` keeps the original for the logs.
 */
import type { CancellationReason } from '@aws-sdk/client-dynamodb';
import { ApiError, GoneError, InternalError, TimeoutError, TooManyRequestsError } from '../core/errors.ts';

export function errorName(err: unknown): string {
  return err instanceof Error ? err.name : '';
}

export function isTransactionCanceled(err: unknown): err is Error & { CancellationReasons?: CancellationReason[] } {
  return errorName(err) === 'TransactionCanceledException';
}

export function isConditionalCheckFailed(err: unknown): boolean {
  return errorName(err) === 'ConditionalCheckFailedException';
}

/** The reasons of a canceled transaction, one per item in request order ('None' where the item was fine). */
export function cancellationReasons(err: unknown): CancellationReason[] {
  return isTransactionCanceled(err) ? (err.CancellationReasons ?? []) : [];
}

const THROTTLED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);

const TIMED_OUT = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'AbortError']);
const NETWORK_CODES = new Set(['ETIMEDOUT', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN']);

/** Maps any failure to an ApiError (ApiErrors pass through unchanged). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const name = errorName(err);
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  let mapped: ApiError;
  if (THROTTLED.has(name)) {
    mapped = new TooManyRequestsError('storage is busy, please retry', 1);
  } else if (TIMED_OUT.has(name) || (typeof code === 'string' && NETWORK_CODES.has(code))) {
    // kube-apiserver's wording when etcd does not answer in time.
    mapped = new TimeoutError('Timeout: request did not complete within requested timeout - context deadline exceeded');
  } else {
    mapped = new InternalError(`storage error: ${name || 'unknown'}`);
  }
  mapped.cause = err;
  return mapped;
}

/** kube-apiserver's 504 for a resourceVersion newer than anything it has seen. */
export function tooLargeResourceVersion(requested: number, current: number): TimeoutError {
  return new TimeoutError(`Too large resource version: ${requested}, current: ${current}`, [
    { reason: 'ResourceVersionTooLarge', message: 'Too large resource version' },
  ]);
}

/** kube-apiserver's 410 for a watch (or exact list) from a version no longer served. */
export function tooOldResourceVersion(requested: number, oldest: number): GoneError {
  return new GoneError(`too old resource version: ${requested} (${oldest})`);
}

export function continueTooOld(): GoneError {
  return new GoneError(
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
  );
}
