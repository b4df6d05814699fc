import type { CallDetailRecord, IntervalRow } from './types';

// RFC 4180: CRLF line ends, fields with a comma, quote, CR or LF quoted, quotes doubled. A cell a
// spreadsheet would run as a formula (= + - @, and tab/CR that some read the same way) gets a
// leading apostrophe first: CDRs carry caller-supplied text (numbers, IVR-attached CRM fields).

const formulaStart = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text =
    typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && formulaStart.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => unknown;
}

export function toCsv<T>(rows: readonly T[], columns: readonly CsvColumn<T>[]): string {
  const lines = [columns.map((c) => csvCell(c.header)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(c.value(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

const col = <T>(header: string, value: (row: T) => unknown): CsvColumn<T> => ({ header, value });

export const cdrColumns: readonly CsvColumn<CallDetailRecord & { disposition?: string | null }>[] = [
  col('call_id', (c) => c.callId),
  col('started_at', (c) => c.startedAt),
  col('answered_at', (c) => c.answeredAt),
  col('agent_answered_at', (c) => c.agentAnsweredAt),
  col('ended_at', (c) => c.endedAt),
  col('direction', (c) => c.direction),
  col('ani', (c) => c.ani),
  col('dnis', (c) => c.dnis),
  col('hotline_id', (c) => c.hotlineId),
  col('outcome', (c) => c.outcome),
  col('end_cause', (c) => c.endCause),
  col('ended_by', (c) => c.endedBy),
  col('duration_s', (c) => c.durationSec),
  col('ivr_s', (c) => c.ivrSec),
  col('wait_s', (c) => c.waitSec),
  col('ring_s', (c) => c.ringSec),
  col('talk_s', (c) => c.talkSec),
  col('hold_s', (c) => c.holdSec),
  col('queues', (c) => c.queues.map((q) => `${q.queueId}:${q.outcome}:${q.waitSec}`).join(';')),
  col('agents', (c) => c.agentLegs.map((l) => `${l.agentId}:${l.talkSec}`).join(';')),
  col(
    'missed_offers',
    (c) => c.offers.filter((o) => o.outcome !== 'answered' && o.outcome !== 'ringing').length,
  ),
  col('transfers', (c) => c.transfers.length),
  col('ivr_path', (c) => c.ivr.path.map((s) => s.nodeId).join('>')),
  col('recordings', (c) => c.recordings.map((r) => r.recordingId).join(';')),
  col('survey_scores', (c) => c.surveys.map((s) => s.score).join(';')),
  col('disposition', (c) => c.disposition ?? null),
];

export const intervalColumns: readonly CsvColumn<IntervalRow>[] = [
  col('start', (r) => r.start),
  col('end', (r) => r.end),
  col('dimension', (r) => r.dimension),
  col('queue_id', (r) => r.queueId),
  col('agent_id', (r) => r.agentId),
  col('offered', (r) => r.offered),
  col('answered', (r) => r.answered),
  col('abandoned', (r) => r.abandoned),
  col('answered_in_sl', (r) => r.answeredInSl),
  col('asa_s', (r) => r.asaSec),
  col('aht_s', (r) => r.ahtSec),
  col('abandon_rate_pct', (r) => r.abandonRatePct),
  col('service_level_pct', (r) => r.serviceLevelPct),
  col('sl_threshold_s', (r) => r.slThresholdSec),
  col('occupancy_pct', (r) => r.occupancyPct),
  col('transfers', (r) => r.transfers),
  col('surveys', (r) => r.surveys),
  col('avg_survey_score', (r) => r.avgSurveyScore),
  col('talk_s', (r) => r.talkSec),
  col('hold_s', (r) => r.holdSec),
  col('wrap_s', (r) => r.wrapSec),
];

export const cdrsToCsv = (rows: readonly (CallDetailRecord & { disposition?: string | null })[]): string =>
  toCsv(rows, cdrColumns);
export const intervalsToCsv = (rows: readonly IntervalRow[]): string => toCsv(rows, intervalColumns);
