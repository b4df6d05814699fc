import { createSocket } from 'node:dgram';
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, PlayerWorkerData, ToWorker } from './rtp-player-protocol';
import { RtpPlayer } from './rtp-player';

// The playout thread: owns the inner endpoint's UDP socket (rtpengine's silent far end for calls
// in IVR or queue) and runs RtpPlayer on it, so the 50 packets/s per playing call never touch the
// main thread's event loop. Everything else about playout is RtpPlayer's, unchanged.

const parent = parentPort!;
const { host, port } = workerData as PlayerWorkerData;
const post = (message: FromWorker): void => parent.postMessage(message);

const socket = createSocket('udp4');
// What rtpengine sends toward the inner side (the caller's media is blocked, but RTCP and the odd
// packet still come) is dropped: nobody listens in IVR or queue.
socket.on('message', () => undefined);

// Commands can arrive before the socket is bound (a restarted worker gets the calls' opens at
// once): they wait here, in order, rather than being dropped.
const early: ToWorker[] = [];
let handle = (message: ToWorker): void => void early.push(message);
parent.on('message', (message: ToWorker) => handle(message));

socket.once('error', (err) => {
  post({ type: 'bind-failed', message: err.message });
  parent.close();
});
socket.bind(port, host, () => {
  socket.removeAllListeners('error');
  socket.on('error', (err) => post({ type: 'socket-error', message: err.message }));
  const player = new RtpPlayer(socket);
  handle = (message) => {
    switch (message.op) {
      case 'open':
        player.open(
          message.callId,
          { host: message.host, port: message.port },
          message.codec,
          message.payloadType,
        );
        return;
      case 'play': {
        const { id } = message;
        player.play(message.callId, message.file, message.repeat).then(
          ({ durationMs, ended }) => {
            post({ type: 'played', id, durationMs });
            void ended.then(() => post({ type: 'ended', id }));
          },
          (err: Error & { code?: unknown }) =>
            post({
              type: 'play-failed',
              id,
              message: err.message,
              code: typeof err.code === 'string' ? err.code : undefined,
            }),
        );
        return;
      }
      case 'stop':
        player.stop(message.callId);
        return;
      case 'close':
        player.close(message.callId);
        return;
    }
  };
  for (const message of early.splice(0)) handle(message);
  post({ type: 'ready', port: socket.address().port });
});
