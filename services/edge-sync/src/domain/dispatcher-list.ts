import { sortTargets, type Target } from './targets';

// Kamailio dispatcher destination flags (dispatcher module, list file column 3).
/** Probed with SIP OPTIONS: an instance that stops answering leaves the rotation on its own. */
export const DS_PROBING = 8;
/** Disabled by the admin: never chosen by ds_select_dst, but still matched by ds_is_from_list. */
export const DS_DISABLED = 4;

export interface DispatcherListOptions {
  setId: number;
  transport: 'udp' | 'tcp';
  /** The other sets (trunks, gateways), kept as they are; lines for our set are dropped. */
  base?: string;
}

/**
 * The dispatcher list file: "setid destination flags priority attrs", one destination a line.
 * Draining targets stay listed but disabled: Kamailio sends them no new call, and in-dialog
 * requests they send (BYE, re-INVITE) still pass ds_is_from_list as call control.
 * The same targets always give the same bytes, so an unchanged list is not reloaded.
 */
export function renderDispatcherList(targets: Iterable<Target>, options: DispatcherListOptions): string {
  const lines = [
    '# Written by the Hotline edge sync. Do not edit: every change of the call-control pods rewrites it.',
    '# setid destination flags priority attrs',
  ];
  const base = (options.base ?? '')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '' && !l.startsWith('#'));
  for (const line of base) {
    if (line.split(/\s+/)[0] === String(options.setId)) continue;
    lines.push(line);
  }
  for (const t of sortTargets(targets)) {
    const host = t.ip.includes(':') ? `[${t.ip}]` : t.ip;
    const uri = `sip:${host}:${t.port}${options.transport === 'tcp' ? ';transport=tcp' : ''}`;
    const flags = t.state === 'active' ? DS_PROBING : DS_DISABLED;
    lines.push(`${options.setId} ${uri} ${flags} 0 duid=${t.pod};pod=${t.namespace}/${t.pod}`);
  }
  return `${lines.join('\n')}\n`;
}
