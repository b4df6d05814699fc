// Tests: the real playout worker, which also dies (an uncaught exception, as a bug would) when
// asked to play the file named "crash". Listens only once the real worker does, so both see every
// command (a port delivers to the listeners present when it starts).
import { setImmediate } from 'node:timers';
import { parentPort } from 'node:worker_threads';

await import('../rtp-player-worker.mjs');
parentPort.on('message', (message) => {
  if (message.op === 'play' && message.file === 'crash') {
    setImmediate(() => {
      throw new Error('playout worker crashed on purpose');
    });
  }
});
