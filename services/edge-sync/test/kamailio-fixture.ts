import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { KamailioJsonRpc } from '../src/adapters/kamailio-json-rpc';
import { freePort, waitFor } from './free-port';
import { spawnServer } from './processes';

const root = path.resolve(import.meta.dirname, '../../..');

export interface KamailioFixture {
  /** The folder the edge sync writes into and Kamailio reads from. */
  dir: string;
  dispatcherFile: string;
  dbDir: string;
  rpcUrl: string;
  rpc: KamailioJsonRpc;
  /** Starts Kamailio (after the edge sync wrote the lists, as the native sidecar order gives). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

const moduleDirs = [
  '/usr/lib/x86_64-linux-gnu/kamailio/modules',
  '/usr/lib/aarch64-linux-gnu/kamailio/modules',
  '/usr/lib/kamailio/modules',
];

/**
 * The real Kamailio (Debian package) with the smallest config that reads what the edge sync
 * writes: the dispatcher list file, the rtpengine module's db_text table, and JSON-RPC over
 * HTTP (jsonrpcs + xhttp) for dispatcher.reload / rtpengine.reload and for the test to ask
 * what Kamailio loaded (dispatcher.list, rtpengine.show).
 */
export async function prepareKamailio(): Promise<KamailioFixture> {
  if (!existsSync('/usr/sbin/kamailio')) {
    await promisify(execFile)('bash', [path.join(root, 'infra/local/kamailio.sh'), 'install'], {
      timeout: 600_000,
    });
  }
  const mpath = moduleDirs.find((d) => existsSync(`${d}/dispatcher.so`));
  if (!mpath) throw new Error(`no Kamailio modules in ${moduleDirs.join(', ')}`);
  const dir = await mkdtemp(path.join(tmpdir(), 'hotline-kamailio-'));
  const dbDir = path.join(dir, 'db');
  await mkdir(dbDir);
  const [sipPort, rpcPort] = await Promise.all([freePort(), freePort()]);
  const rpcUrl = `http://127.0.0.1:${rpcPort}/RPC`;
  await writeFile(
    path.join(dir, 'kamailio.cfg'),
    `#!KAMAILIO
debug=1
log_stderror=yes
fork=yes
children=1
tcp_children=1
auto_aliases=no
rundir="${dir}"
mpath="${mpath}/"
listen=udp:127.0.0.1:${sipPort}
listen=tcp:127.0.0.1:${rpcPort}
loadmodule "sl.so"
loadmodule "tm.so"
loadmodule "pv.so"
loadmodule "xhttp.so"
loadmodule "jsonrpcs.so"
loadmodule "db_text.so"
loadmodule "dispatcher.so"
loadmodule "rtpengine.so"
modparam("jsonrpcs", "transport", 1)
modparam("dispatcher", "list_file", "${dir}/dispatcher.list")
modparam("dispatcher", "ds_ping_interval", 0)
# Production keeps the default 5 s between reloads (the edge sync retries); tests go faster.
modparam("dispatcher", "reload_delta", 1)
modparam("rtpengine", "db_url", "text://${dbDir}")
modparam("rtpengine", "rtpengine_allow_op", 1)
request_route {
	sl_send_reply("404", "Not here");
}
event_route[xhttp:request] {
	jsonrpc_dispatch();
}
`,
  );
  let server: ReturnType<typeof spawnServer> | undefined;
  const rpc = new KamailioJsonRpc({ url: rpcUrl, timeoutMs: 1000 });
  return {
    dir,
    dispatcherFile: path.join(dir, 'dispatcher.list'),
    dbDir,
    rpcUrl,
    rpc,
    start: async () => {
      server = spawnServer('/usr/sbin/kamailio', ['-DD', '-E', '-f', path.join(dir, 'kamailio.cfg')]);
      const s = server;
      await waitFor(
        'Kamailio JSON-RPC',
        async () => {
          if (s.child.exitCode !== null) throw new Error(`Kamailio exited: ${s.output().slice(-2000)}`);
          await rpc.call('core.version');
          return true;
        },
        15_000,
      );
    },
    stop: async () => {
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
