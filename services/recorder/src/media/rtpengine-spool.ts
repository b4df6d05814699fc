import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

// rtpengine's pcap recording method (userspace; `--recording-dir=D --recording-method=pcap`)
// writes, per recorded stretch of a call (one "start recording" to its "stop recording" or the
// call's deletion), a prefix `<call-id>-<16 hex digits>` and:
//   D/tmp/rtpengine-meta-<prefix>.tmp    the metadata file while the stretch is being recorded
//   D/pcaps/<prefix>.pcap                the packets rtpengine received from both sides
//   D/metadata/rtpengine-meta-<prefix>.txt  the same metadata file, moved here once the pcap is
//                                         closed: its first line is the pcap's path, then the
//                                         call start and end time (whole seconds)
// A paused call therefore leaves several pcaps, one per stretch; the gaps between them are the
// pauses. The call id is the ng call-id, which sip-edge sets to our call id.

export interface CallCapture {
  /** Closed pcaps of the call, in no particular order (the packets carry the times). */
  pcaps: string[];
  /** Metadata files of those pcaps. */
  metadata: string[];
  /** Stretches rtpengine is still writing (their pcap is not closed yet). */
  inProgress: number;
}

const PREFIX_TAIL = /^-[0-9a-f]{16}$/;

/** The prefix's call id when `name` (without its extension) is `<callId>-<16 hex>`. */
function ofCall(name: string, callId: string): boolean {
  return name.startsWith(callId) && PREFIX_TAIL.test(name.slice(callId.length));
}

async function list(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** What rtpengine has written for one call so far. */
export async function findCallCapture(spoolDir: string, callId: string): Promise<CallCapture> {
  const [pcaps, metadata, tmp] = await Promise.all([
    list(join(spoolDir, 'pcaps')),
    list(join(spoolDir, 'metadata')),
    list(join(spoolDir, 'tmp')),
  ]);
  const finished = new Set(
    metadata
      .filter((f) => f.startsWith(META) && f.endsWith('.txt'))
      .map((f) => f.slice(META.length, -4))
      .filter((prefix) => ofCall(prefix, callId)),
  );
  const writing = tmp
    .filter((f) => f.startsWith(META) && f.endsWith('.tmp'))
    .map((f) => f.slice(META.length, -4))
    .filter((prefix) => ofCall(prefix, callId));
  const closed = pcaps
    .filter((f) => f.endsWith('.pcap'))
    .map((f) => f.slice(0, -5))
    .filter((prefix) => ofCall(prefix, callId) && finished.has(prefix));
  return {
    pcaps: closed.map((p) => join(spoolDir, 'pcaps', `${p}.pcap`)),
    metadata: closed.map((p) => join(spoolDir, 'metadata', `${META}${p}.txt`)),
    inProgress: writing.length,
  };
}

const META = 'rtpengine-meta-';

export async function readCapture(capture: CallCapture): Promise<Buffer[]> {
  return Promise.all(capture.pcaps.map((p) => readFile(p)));
}

/** Removes a processed call's files from the spool (missing ones are fine: already removed). */
export async function removeCapture(capture: CallCapture): Promise<void> {
  await Promise.all([...capture.pcaps, ...capture.metadata].map((f) => rm(f, { force: true })));
}
