import { useState } from 'react';
import { agentIdOf, displayNameOf, type DeskApi, type Me } from '../api/desk-api';
import { useLiveDesk, useNames, useSoftphone } from '../app/hooks';
import { AgentDesk } from './AgentDesk';
import { PhoneStatusBadge } from './PhoneStatusBadge';
import { SupervisorView } from './SupervisorView';

type Tab = 'desk' | 'supervisor';

/** The signed-in frame: who, phone and live status, the agent desk and/or the supervisor view. */
export function Workspace(props: {
  api: DeskApi;
  baseUrl: string;
  token: string;
  me: Me;
  remoteAudio: () => HTMLAudioElement | null;
  onSignOut: () => void;
}) {
  const { me } = props;
  const agentId = agentIdOf(me);
  const supervises = me.roles.includes('supervisor') || me.roles.includes('tenant-admin');
  const [tab, setTab] = useState<Tab>(agentId ? 'desk' : 'supervisor');
  const live = useLiveDesk(props.api, props.baseUrl, props.token);
  const names = useNames(props.api);
  const { phone, snapshot } = useSoftphone(me.softphone, props.remoteAudio);

  return (
    <div className="workspace">
      <header className="topbar">
        <span className="brand">Hotline</span>
        <span className="who">
          {displayNameOf(me)}
          {me.agent?.extension ? ` · ext. ${me.agent.extension}` : ''}
        </span>
        {me.softphone && <PhoneStatusBadge status={snapshot.status} />}
        <span
          className={`badge live-${live.connection}`}
          role="status"
          aria-label="Live updates"
          title={live.notice ?? undefined}
        >
          Live: {live.connection === 'open' ? 'connected' : live.connection}
        </span>
        {agentId && supervises && (
          <nav className="tabs" aria-label="Views">
            <button type="button" aria-pressed={tab === 'desk'} onClick={() => setTab('desk')}>
              Agent desk
            </button>
            <button type="button" aria-pressed={tab === 'supervisor'} onClick={() => setTab('supervisor')}>
              Supervisor
            </button>
          </nav>
        )}
        <button type="button" className="signout" onClick={props.onSignOut}>
          Sign out
        </button>
      </header>
      {live.notice && live.connection !== 'open' && (
        <p className="banner" role="status">
          {live.notice}
        </p>
      )}
      {snapshot.status.message && (
        <p className={snapshot.status.registration === 'failed' ? 'banner error' : 'banner'} role="alert">
          {snapshot.status.message}
        </p>
      )}
      {tab === 'desk' && agentId ? (
        <AgentDesk
          api={props.api}
          me={me}
          agentId={agentId}
          phone={phone}
          snapshot={snapshot}
          live={live}
          names={names}
        />
      ) : supervises ? (
        <SupervisorView api={props.api} me={me} phone={phone} snapshot={snapshot} live={live} names={names} />
      ) : (
        <main className="panel">
          <p>Your account has neither an agent nor a supervisor role: there is nothing to show here.</p>
        </main>
      )}
    </div>
  );
}
