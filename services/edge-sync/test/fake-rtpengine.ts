import { createSocket, type Socket } from 'node:dgram';

/**
 * Answers rtpengine's ng protocol ping ("<cookie> d7:command4:pinge") with pong, so Kamailio's
 * rtpengine module, which pings every node it loads, keeps a node enabled. It relays no media:
 * the edge sync only decides which nodes Kamailio lists.
 */
export async function startFakeRtpengine(): Promise<{ port: number; close(): Promise<void> }> {
  const socket: Socket = createSocket('udp4');
  socket.on('message', (msg, from) => {
    const cookie = msg.toString('latin1').split(' ', 1)[0] ?? '';
    socket.send(Buffer.from(`${cookie} d6:result4:ponge`, 'latin1'), from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
