import type { AgentToday } from '../live/live-types';
import { formatDuration, stateLabel } from './format';

/** F-AG-6: the agent's own day. */
export function OwnStats(props: { today: AgentToday | undefined }) {
  const t = props.today;
  return (
    <section className="panel" aria-labelledby="stats-title">
      <h2 id="stats-title">My day</h2>
      {!t ? (
        <p className="muted">No figures yet.</p>
      ) : (
        <dl className="pairs" aria-label="My statistics">
          <div>
            <dt>Calls</dt>
            <dd>{t.calls}</dd>
          </div>
          <div>
            <dt>Talk time</dt>
            <dd>{formatDuration(t.talkMs)}</dd>
          </div>
          <div>
            <dt>Hold time</dt>
            <dd>{formatDuration(t.holdMs)}</dd>
          </div>
          <div>
            <dt>Wrap-up time</dt>
            <dd>{formatDuration(t.wrapMs)}</dd>
          </div>
          {Object.entries(t.stateMs ?? {})
            .filter(([, ms]) => (ms ?? 0) > 0)
            .map(([state, ms]) => (
              <div key={state}>
                <dt>{stateLabel(state)}</dt>
                <dd>{formatDuration(ms)}</dd>
              </div>
            ))}
        </dl>
      )}
    </section>
  );
}
