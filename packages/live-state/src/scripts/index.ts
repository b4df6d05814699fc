export { claimOnce } from './claim-once';
export { compareAndSet } from './compare-and-set';
export { acquireLease, releaseLease, renewLease } from './lease';
export { moveBetweenSortedSets } from './move-between-sorted-sets';
