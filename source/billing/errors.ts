import { isKmspError } from '../domain/errors.js';
import type { BillingError } from './types.js';

export function toBillingError(error: unknown, context?: string): BillingError {
  const prefix = context ? `${context}: ` : '';
  if (isKmspError(error)) {
    return {
      message: prefix + error.message,
      cause: [error.why, error.detail].filter(Boolean).join('; ') || null,
      remedy: error.remedy ?? null,
      ...(error.outcomeUnknown ? { outcomeUnknown: true } : {}),
    };
  }
  return { message: prefix + (error instanceof Error ? error.message : String(error)), cause: null, remedy: null };
}

export function billingErrorLine(error: BillingError): string {
  return [error.message, error.cause && `cause: ${error.cause}`, error.remedy && `remedy: ${error.remedy}`].filter(Boolean).join('; ');
}
