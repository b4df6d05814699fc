import type { QueueRealtime, WaitingCall } from '../live/live-types';
import { formatDuration, formatPercent, msSince } from './format';

/** Queue figures: waiting, longest wait (ticking), offered/answered/abandoned, service level. */
export function QueueTable(props: {
  queues: QueueRealtime[];
  now: number;
  detailed: boolean;
  label: string;
  queueName: (id: string) => string;
}) {
  if (props.queues.length === 0) return <p className="muted">No queues.</p>;
  return (
    <table aria-label={props.label}>
      <thead>
        <tr>
          <th scope="col">Queue</th>
          <th scope="col">Waiting</th>
          <th scope="col">Longest wait</th>
          {props.detailed && (
            <>
              <th scope="col">Offered</th>
              <th scope="col">Answered</th>
              <th scope="col">Abandoned</th>
              <th scope="col">Agents ready</th>
              <th scope="col">On call</th>
            </>
          )}
          <th scope="col">Service level</th>
        </tr>
      </thead>
      <tbody>
        {props.queues.map((q) => (
          <tr key={q.queueId} className={q.waiting > 0 ? 'has-waiting' : undefined}>
            <th scope="row">{q.name ?? props.queueName(q.queueId)}</th>
            <td>{q.waiting}</td>
            <td>
              {formatDuration(q.oldestJoinedAt ? msSince(q.oldestJoinedAt, props.now) : q.longestWaitMs)}
            </td>
            {props.detailed && (
              <>
                <td>{q.offered}</td>
                <td>{q.answered}</td>
                <td>{q.abandoned}</td>
                <td>{q.agentsByState.ready ?? 0}</td>
                <td>{(q.agentsByState['on-call'] ?? 0) + (q.agentsByState['on-hold'] ?? 0)}</td>
              </>
            )}
            <td title={`answered within ${q.slThresholdSec} s`}>{formatPercent(q.serviceLevelPct)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Who waits, where, since when. */
export function WaitingTable(props: {
  waiting: readonly WaitingCall[];
  now: number;
  queueName: (id: string) => string;
}) {
  if (props.waiting.length === 0) return <p className="muted">Nobody is waiting.</p>;
  return (
    <table aria-label="Waiting callers">
      <thead>
        <tr>
          <th scope="col">Position</th>
          <th scope="col">Caller</th>
          <th scope="col">Queue</th>
          <th scope="col">Waiting</th>
        </tr>
      </thead>
      <tbody>
        {props.waiting.map((w) => (
          <tr key={w.callId}>
            <td>{w.position}</td>
            <td>{w.ani}</td>
            <td>{props.queueName(w.queueId)}</td>
            <td>{formatDuration(msSince(w.joinedAt, props.now))}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
