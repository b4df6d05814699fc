export { reserveScript } from './reserve';
export { commitScript, emptyPlan, type CommitPlan } from './commit';
export {
  peekWaitingScript,
  queueCountsScript,
  readHashesScript,
  readyWindowScript,
  type IndexedHead,
} from './reads';
export { enqueueScript } from './enqueue';
export { claimDueScript, scheduleScript, unscheduleIfScript } from './claim-due';
