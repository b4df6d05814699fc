/* eslint-disable @typescript-eslint/no-explicit-any -- events are JSON of many shapes; tests assert on them field by field */
import { waitFor } from './fixtures';

export interface SseEvent {
  event: string;
  data: any;
}

/** A test EventSource over fetch: collects every event of GET /v1/live in order. */
export interface SseConnection {
  status: number;
  contentType: string;
  /** The problem+json body when the stream was refused. */
  problem: any;
  events: SseEvent[];
  comments: string[];
  ended: boolean;
  next(event: string, match?: (data: any) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

export async function openLive(base: string, token: string, query = ''): Promise<SseConnection> {
  const controller = new AbortController();
  const res = await fetch(`${base}/v1/live?access_token=${encodeURIComponent(token)}${query}`, {
    signal: controller.signal,
  });
  const conn: SseConnection = {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    problem: null,
    events: [],
    comments: [],
    ended: false,
    async next(event, match = () => true, timeoutMs = 5000) {
      return waitFor(() => conn.events.find((e) => e.event === event && match(e.data)), timeoutMs);
    },
    close: () => controller.abort(),
  };
  if (res.status !== 200) {
    conn.problem = await res.json();
    conn.ended = true;
    return conn;
  }
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          let data = '';
          for (const line of frame.split('\n')) {
            if (line.startsWith(':')) conn.comments.push(line.slice(1).trim());
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (data) conn.events.push({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      // aborted by close()
    } finally {
      conn.ended = true;
    }
  })();
  return conn;
}
