import { useEffect, useState, type FormEvent } from 'react';
import type { DeskApi, DispositionCode } from '../api/desk-api';
import { messageOf } from '../api/problem';
import { formatDuration } from './format';

const EXTEND_MS = 60_000;

/** F-AG-1/F-AG-5: after a call, a disposition code and notes; more time when needed. */
export function WrapUpPanel(props: { api: DeskApi; agentId: string; sinceMs: number }) {
  const [codes, setCodes] = useState<DispositionCode[] | null>(null);
  const [codeId, setCodeId] = useState('');
  const [notes, setNotes] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    props.api.dispositionCodes().then(
      (c) => {
        if (!live) return;
        setCodes(c);
        if (c[0]) setCodeId((id) => id || c[0]!._id);
      },
      (err: unknown) => live && setError(messageOf(err)),
    );
    return () => {
      live = false;
    };
  }, [props.api]);

  const code = codes?.find((c) => c._id === codeId);
  const save = async (extend: boolean) => {
    if (!codeId) {
      setError('Choose a disposition.');
      return;
    }
    if (code?.requiresNote && notes.trim() === '') {
      setError(`“${code.label}” needs a note.`);
      return;
    }
    setError(null);
    try {
      await props.api.wrapUp(props.agentId, {
        dispositionCodeId: codeId,
        ...(notes.trim() ? { notes: notes.trim() } : {}),
        ...(extend ? { extendMs: EXTEND_MS } : {}),
      });
      setSaved(extend ? 'Saved; wrap-up extended by 1 minute.' : 'Saved.');
    } catch (err) {
      setError(messageOf(err));
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save(false);
  };

  return (
    <form className="panel wrapup" aria-label="Wrap-up" onSubmit={submit}>
      <h2>
        Wrap-up <span aria-label="Wrap-up time">{formatDuration(props.sinceMs)}</span>
      </h2>
      <label>
        Disposition
        <select value={codeId} onChange={(e) => setCodeId(e.target.value)} disabled={!codes}>
          {codes === null && <option value="">Loading…</option>}
          {codes?.length === 0 && <option value="">No disposition codes provisioned</option>}
          {codes?.map((c) => (
            <option key={c._id} value={c._id}>
              {c.label}
              {c.requiresNote ? ' (note required)' : ''}
            </option>
          ))}
        </select>
      </label>
      <label>
        Notes
        <textarea value={notes} onChange={(e) => setNotes(e.target.value)} rows={3} maxLength={2000} />
      </label>
      <div className="row">
        <button type="submit" className="primary">
          Save disposition
        </button>
        <button type="button" onClick={() => void save(true)}>
          Save and extend wrap-up
        </button>
      </div>
      {saved && <p role="status">{saved}</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
