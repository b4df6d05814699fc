import { useState, type FormEvent } from 'react';
import { signIn, type SessionGrant } from '../api/desk-api';
import { messageOf } from '../api/problem';

export function SignIn(props: {
  baseUrl: string;
  notice: string | null;
  onSignedIn: (grant: SessionGrant, tenantId: string) => void;
}) {
  const [tenantId, setTenantId] = useState(() => localStorage.getItem('hotline.tenantId') ?? '');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const grant = await signIn(props.baseUrl, { tenantId: tenantId.trim(), email: email.trim(), password });
      localStorage.setItem('hotline.tenantId', tenantId.trim());
      props.onSignedIn(grant, tenantId.trim());
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="center-card" aria-labelledby="signin-title">
      <h1 id="signin-title">Hotline desk: sign in</h1>
      {props.notice && (
        <p className="notice" role="status">
          {props.notice}
        </p>
      )}
      <form onSubmit={submit} className="stack">
        <label>
          Tenant
          <input
            name="tenantId"
            value={tenantId}
            onChange={(e) => setTenantId(e.target.value)}
            required
            autoComplete="organization"
          />
        </label>
        <label>
          Email
          <input
            name="email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
            autoComplete="username"
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            autoComplete="current-password"
          />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
