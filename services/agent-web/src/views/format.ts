/** 75_000 → "1:15"; 3_725_000 → "1:02:05". Negative or missing times show as "0:00". */
export function formatDuration(ms: number | null | undefined): string {
  const total = Math.max(0, Math.floor((ms ?? 0) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Milliseconds since an ISO time (0 when unparseable or in the future). */
export function msSince(iso: string | null | undefined, now: number): number {
  if (!iso) return 0;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : Math.max(0, now - t);
}

export function formatPercent(pct: number | null | undefined): string {
  return pct === null || pct === undefined || Number.isNaN(pct) ? '–' : `${Math.round(pct)} %`;
}

/** "on-call" → "On call". */
export function stateLabel(state: string): string {
  const words = state.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
