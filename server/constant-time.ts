import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Compares secrets without leaking, through timing, how much of them matched or how long they are. */
export function constantTimeEqual(expected: string, given: string): boolean {
  return timingSafeEqual(digest(expected), digest(given));
}
