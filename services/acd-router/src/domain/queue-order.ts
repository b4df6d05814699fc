// The order of waiting calls: priority first (the call's, then its queue's), then age. One number
// per call so a Redis sorted set keeps the order, and so calls of several queues compare directly
// when an agent who serves them all becomes free (the fairness rule: the longest-waiting call of
// equal priority wins across queues).
//
// score = band * 1e12 + (enqueuedAt - 2024-01-01), band = (100 - callPriority) * 16 + (10 - queuePriority).
// The largest score (1609e12 + 1e12) stays below 2^53, so scores are exact integers in a double.

const epoch = Date.UTC(2024, 0, 1);
const bandWidth = 1e12;

export function waitingScore(callPriority: number, queuePriority: number, enqueuedAt: number): number {
  const band = (100 - clamp(callPriority, 0, 100)) * 16 + (10 - clamp(queuePriority, 1, 10));
  return band * bandWidth + clamp(enqueuedAt - epoch, 0, bandWidth - 1);
}

/** The priority band of a score: calls in a lower band go first whatever their age. */
export function bandOf(score: number): number {
  return Math.floor(score / bandWidth);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}
