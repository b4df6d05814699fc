import { useEffect, useRef, useState } from 'react';
import {
  agentIdOf,
  type AgentStateRequest,
  type DeskApi,
  type DeskCallCommand,
  type Me,
} from '../api/desk-api';
import { messageOf } from '../api/problem';
import { useNow, type LiveDesk, type Names } from '../app/hooks';
import type { AgentRealtime } from '../live/live-types';
import type { Softphone, SoftphoneSnapshot } from '../softphone/softphone';
import { CallPanel } from './CallPanel';
import { formatDuration, msSince, stateLabel } from './format';
import { QueueTable, WaitingTable } from './QueueTables';

type Supervise = 'listen' | 'whisper' | 'barge' | 'take-over';
const superviseWords: Record<Supervise, string> = {
  listen: 'Listen to',
  whisper: 'Whisper to',
  barge: 'Barge in on',
  'take-over': 'Take over call of',
};
/** How long after asking to supervise an incoming call is taken as the edge ringing us for it. */
const SUPERVISE_RING_WINDOW_MS = 15_000;

function AgentRow(props: {
  agent: AgentRealtime;
  now: number;
  onState: (agentId: string, state: AgentStateRequest) => void;
  onCommand: (agent: AgentRealtime, command: DeskCallCommand) => void;
  canSupervise: boolean;
  name: (agentId: string) => string;
  queueName: (queueId: string) => string;
}) {
  const a = props.agent;
  const name = a.displayName ?? props.name(a.agentId);
  const [next, setNext] = useState<AgentStateRequest>('ready');
  const onCall = Boolean(a.callId);
  return (
    <tr className={`agent-row state-${a.state}`}>
      <th scope="row">{name}</th>
      <td>
        <span className={`state-pill state-${a.state}`}>{stateLabel(a.state)}</span>
        {a.reason ? ` (${a.reason})` : ''}
      </td>
      <td>{formatDuration(msSince(a.since, props.now))}</td>
      <td>{a.queueId ? props.queueName(a.queueId) : ''}</td>
      <td>{a.today?.calls ?? 0}</td>
      <td>
        <div className="row tight">
          <select
            aria-label={`New state for ${name}`}
            value={next}
            onChange={(e) => setNext(e.target.value as AgentStateRequest)}
          >
            <option value="ready">Ready</option>
            <option value="not-ready">Not ready</option>
            <option value="break">Break</option>
            <option value="logout">Log out</option>
          </select>
          <button
            type="button"
            aria-label={`Set state of ${name}`}
            onClick={() => props.onState(a.agentId, next)}
          >
            Set
          </button>
        </div>
      </td>
      <td>
        {onCall ? (
          <div className="row tight wrap">
            {(Object.keys(superviseWords) as Supervise[]).map((mode) => (
              <button
                key={mode}
                type="button"
                disabled={!props.canSupervise}
                aria-label={`${superviseWords[mode]} ${name}`}
                title={props.canSupervise ? undefined : 'Needs your softphone to be registered'}
                onClick={() => props.onCommand(a, { action: 'supervise', mode })}
              >
                {mode === 'take-over' ? 'Take over' : mode.charAt(0).toUpperCase() + mode.slice(1)}
              </button>
            ))}
            <button
              type="button"
              className="danger"
              aria-label={`Force release call of ${name}`}
              onClick={() => props.onCommand(a, { action: 'hangup', cause: 'force-released' })}
            >
              Release
            </button>
            <button
              type="button"
              aria-label={`Start recording call of ${name}`}
              onClick={() => props.onCommand(a, { action: 'record', op: 'start' })}
            >
              Rec
            </button>
            <button
              type="button"
              aria-label={`Stop recording call of ${name}`}
              onClick={() => props.onCommand(a, { action: 'record', op: 'stop' })}
            >
              Stop rec
            </button>
          </div>
        ) : (
          <span className="muted">–</span>
        )}
      </td>
    </tr>
  );
}

/** F-SV-1…4: the wallboard, supervising calls, recording, and steering agents' states. */
export function SupervisorView(props: {
  api: DeskApi;
  me: Me;
  phone: Softphone | null;
  snapshot: SoftphoneSnapshot;
  live: LiveDesk;
  names: Names;
}) {
  const { api, live, phone, snapshot, names } = props;
  const now = useNow(1000);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const supervising = useRef<{ callId: string; at: number } | null>(null);

  // The edge rings the supervisor's softphone for listen/whisper/barge/take-over: answer it.
  useEffect(() => {
    if (!phone) return;
    return phone.onIncoming((call) => {
      const s = supervising.current;
      if (!s || call.startedAt - s.at > SUPERVISE_RING_WINDOW_MS) return;
      if (call.hotlineCallId !== null && call.hotlineCallId !== s.callId) return;
      supervising.current = null;
      try {
        phone.answer(call.id);
      } catch (err) {
        setMessage({ text: messageOf(err), error: true });
      }
    });
  }, [phone]);

  const agentsList = [...live.view.agents.values()].sort((a, b) =>
    (a.displayName ?? names.agent(a.agentId)).localeCompare(b.displayName ?? names.agent(b.agentId)),
  );
  const queues = [...live.view.queues.values()];

  const setState = async (agentId: string, state: AgentStateRequest) => {
    try {
      await api.setAgentState(agentId, state, state === 'not-ready' ? 'Supervisor' : undefined);
      setMessage({ text: `Asked ${agentId} to go ${stateLabel(state).toLowerCase()}.`, error: false });
    } catch (err) {
      setMessage({ text: messageOf(err), error: true });
    }
  };

  const command = async (agent: AgentRealtime, cmd: DeskCallCommand) => {
    if (!agent.callId) return;
    const supervisorId = agentIdOf(props.me) ?? undefined;
    const body: DeskCallCommand = cmd.action === 'supervise' && supervisorId ? { ...cmd, supervisorId } : cmd;
    if (cmd.action === 'supervise') supervising.current = { callId: agent.callId, at: Date.now() };
    try {
      await api.command(agent.callId, body);
      setMessage({
        text: `${cmd.action} requested for ${agent.displayName ?? names.agent(agent.agentId)}.`,
        error: false,
      });
    } catch (err) {
      supervising.current = null;
      setMessage({ text: messageOf(err), error: true });
    }
  };

  const canSupervise = snapshot.status.registration === 'registered';
  return (
    <main className="supervisor">
      <section className="panel" aria-labelledby="sv-queues">
        <h2 id="sv-queues">Queues</h2>
        <QueueTable queues={queues} now={now} detailed label="Queues" queueName={names.queue} />
      </section>
      <section className="panel" aria-labelledby="sv-agents">
        <h2 id="sv-agents">Agents</h2>
        {message && (
          <p className={message.error ? 'error' : 'notice'} role={message.error ? 'alert' : 'status'}>
            {message.text}
          </p>
        )}
        {agentsList.length === 0 ? (
          <p className="muted">No agents.</p>
        ) : (
          <table aria-label="Agents">
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col">State</th>
                <th scope="col">Time in state</th>
                <th scope="col">Queue</th>
                <th scope="col">Calls</th>
                <th scope="col">Change state</th>
                <th scope="col">Call</th>
              </tr>
            </thead>
            <tbody>
              {agentsList.map((a) => (
                <AgentRow
                  key={a.agentId}
                  agent={a}
                  now={now}
                  onState={(id, s) => void setState(id, s)}
                  onCommand={(ag, c) => void command(ag, c)}
                  canSupervise={canSupervise}
                  name={names.agent}
                  queueName={names.queue}
                />
              ))}
            </tbody>
          </table>
        )}
      </section>
      <div className="sv-side">
        <section className="panel" aria-labelledby="sv-waiting">
          <h2 id="sv-waiting">Waiting callers</h2>
          <WaitingTable waiting={live.view.waiting} now={now} queueName={names.queue} />
        </section>
        {phone && (
          <CallPanel
            api={api}
            phone={phone}
            snapshot={snapshot}
            now={now}
            hotlineCallIdOf={(c) => c.hotlineCallId}
            incomingSummary={() => null}
            allowTransfer={false}
            serverHold={false}
            ring
            agents={[]}
          />
        )}
      </div>
    </main>
  );
}
