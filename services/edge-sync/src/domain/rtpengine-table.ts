import { sortTargets, type Target } from './targets';

// Kamailio's rtpengine module reads its nodes from a database table when db_url is set; with
// db_url "text://<dir>" that is the db_text file <dir>/rtpengine, and the module checks the
// table's version (1) in <dir>/version. rtpengine.reload re-reads it.

export const RTPENGINE_TABLE = 'rtpengine';
export const RTPENGINE_TABLE_VERSION = 1;

/** db_text separates columns with ':' and escapes it (and '\', newlines) inside values. */
function dbText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/:/g, '\\:').replace(/\n/g, '\\n');
}

/** An rtpengine ng socket as the module writes it: udp:1.2.3.4:2223 or udp6:[::1]:2223. */
export function rtpengineUrl(t: Target): string {
  return t.ip.includes(':') ? `udp6:[${t.ip}]:${t.port}` : `udp:${t.ip}:${t.port}`;
}

/**
 * The rtpengine table. A draining node is disabled: with the module's rtpengine_allow_op set,
 * the calls it relays keep being driven there, and no new call is given to it.
 */
export function renderRtpengineTable(targets: Iterable<Target>, setId: number): string {
  const rows = sortTargets(targets).map(
    (t) => `${setId}:${dbText(rtpengineUrl(t))}:1:${t.state === 'active' ? 0 : 1}`,
  );
  return `setid(int) url(string) weight(int) disabled(int)\n${rows.map((r) => `${r}\n`).join('')}`;
}

export function renderVersionTable(): string {
  return `table_name(string) table_version(int)\n${RTPENGINE_TABLE}:${RTPENGINE_TABLE_VERSION}\n`;
}
