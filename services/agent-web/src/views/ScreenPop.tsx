import type { CallContext } from '../live/live-types';
import { formatDuration } from './format';

function show(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The CRM record, when the IVR's lookup attached one under a "crm"/"customer" key. */
function crmOf(attached: Record<string, unknown>): [Record<string, unknown> | null, Record<string, unknown>] {
  for (const key of ['crm', 'customer', 'crmRecord']) {
    const v = attached[key];
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const { [key]: _crm, ...rest } = attached;
      return [v as Record<string, unknown>, rest];
    }
  }
  return [null, attached];
}

function Pairs(props: { label: string; data: Record<string, unknown> }) {
  const entries = Object.entries(props.data);
  if (entries.length === 0) return <p className="muted">None.</p>;
  return (
    <dl className="pairs" aria-label={props.label}>
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{show(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** F-AG-3: who calls, what they told the IVR, their customer record and recent calls. */
export function ScreenPop(props: {
  context: CallContext | null;
  queueName?: string;
  loading: boolean;
  error: string | null;
}) {
  const c = props.context;
  return (
    <section className="panel" aria-labelledby="pop-title">
      <h2 id="pop-title">Caller</h2>
      {props.error && (
        <p className="error" role="alert">
          {props.error}
        </p>
      )}
      {!c ? (
        <p className="muted">{props.loading ? 'Loading the caller’s details…' : 'No call details yet.'}</p>
      ) : (
        <>
          <dl className="pairs" aria-label="Call details">
            <div>
              <dt>Caller (ANI)</dt>
              <dd>{c.ani}</dd>
            </div>
            <div>
              <dt>Dialled (DNIS)</dt>
              <dd>{c.dnis}</dd>
            </div>
            <div>
              <dt>Queue</dt>
              <dd>{props.queueName ?? c.queueId ?? '–'}</dd>
            </div>
            <div>
              <dt>Waited</dt>
              <dd>{c.waitMs !== undefined ? formatDuration(c.waitMs) : '–'}</dd>
            </div>
          </dl>
          {(() => {
            const [crm, ivr] = crmOf(c.attached ?? {});
            return (
              <>
                <h3>IVR data</h3>
                <Pairs label="IVR data" data={ivr} />
                <h3>Customer record</h3>
                {crm ? (
                  <Pairs label="Customer record" data={crm} />
                ) : (
                  <p className="muted">No record found.</p>
                )}
              </>
            );
          })()}
          <h3>Recent calls from this number</h3>
          {c.history.length === 0 ? (
            <p className="muted">First call.</p>
          ) : (
            <table aria-label="Recent calls">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Agent</th>
                  <th scope="col">Talk</th>
                </tr>
              </thead>
              <tbody>
                {c.history.map((h, i) => (
                  <tr key={h.callId ?? i}>
                    <td>{h.startedAt ? new Date(h.startedAt).toLocaleString() : '–'}</td>
                    <td>{show(h.outcome ?? h.disposition)}</td>
                    <td>{show(h.agentId)}</td>
                    <td>{formatDuration(h.talkMs ?? h.durationMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
