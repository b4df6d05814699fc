import { useCallback, useMemo, useRef, useState } from 'react';
import { DeskApi, type Me, type SessionGrant } from '../api/desk-api';
import { messageOf } from '../api/problem';
import { PreCheck } from '../views/PreCheck';
import { SignIn } from '../views/SignIn';
import { Workspace } from '../views/Workspace';

const SESSION_KEY = 'hotline.session';

interface Session {
  token: string;
  me: Me;
}

type Screen =
  | { kind: 'signin'; notice: string | null }
  | { kind: 'loading' }
  | { kind: 'precheck'; session: Session }
  | { kind: 'desk'; session: Session };

/** Same origin by default: the API serves this client (VITE_HOTLINE_API_URL overrides it in dev). */
export const API_BASE: string = (import.meta.env.VITE_HOTLINE_API_URL as string | undefined) ?? '';

export function App() {
  const [screen, setScreen] = useState<Screen>(() =>
    sessionStorage.getItem(SESSION_KEY) ? { kind: 'loading' } : { kind: 'signin', notice: null },
  );
  const audio = useRef<HTMLAudioElement>(null);

  const signOut = useCallback((notice: string | null = null) => {
    sessionStorage.removeItem(SESSION_KEY);
    setScreen({ kind: 'signin', notice });
  }, []);

  const token = screen.kind === 'precheck' || screen.kind === 'desk' ? screen.session.token : null;
  const api = useMemo(
    () => (token ? new DeskApi(API_BASE, token, (message) => signOut(message)) : null),
    [token, signOut],
  );

  const open = useCallback(
    async (tokenValue: string) => {
      const client = new DeskApi(API_BASE, tokenValue, (message) => signOut(message));
      try {
        const me = await client.me();
        sessionStorage.setItem(SESSION_KEY, tokenValue);
        const session = { token: tokenValue, me };
        setScreen(me.softphone ? { kind: 'precheck', session } : { kind: 'desk', session });
      } catch (err) {
        signOut(messageOf(err));
      }
    },
    [signOut],
  );

  // A reload keeps the session (sessionStorage is per tab), after checking it still works.
  const resumed = useRef(false);
  if (screen.kind === 'loading' && !resumed.current) {
    resumed.current = true;
    const saved = sessionStorage.getItem(SESSION_KEY);
    if (saved) queueMicrotask(() => void open(saved));
  }

  return (
    <>
      {/* Remote audio of the softphone's call. */}
      <audio ref={audio} autoPlay aria-hidden="true" />
      {screen.kind === 'signin' && (
        <SignIn
          baseUrl={API_BASE}
          notice={screen.notice}
          onSignedIn={(grant: SessionGrant) => void open(grant.token)}
        />
      )}
      {screen.kind === 'loading' && (
        <main className="center-card">
          <p role="status">Opening your desk…</p>
        </main>
      )}
      {screen.kind === 'precheck' && (
        <PreCheck
          wsServers={screen.session.me.softphone?.wsServers ?? []}
          onContinue={() => setScreen({ kind: 'desk', session: screen.session })}
          onSignOut={() => signOut()}
        />
      )}
      {screen.kind === 'desk' && api && (
        <Workspace
          api={api}
          baseUrl={API_BASE}
          token={screen.session.token}
          me={screen.session.me}
          remoteAudio={() => audio.current}
          onSignOut={() => signOut()}
        />
      )}
    </>
  );
}
