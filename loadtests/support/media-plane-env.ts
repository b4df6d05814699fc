// The settings a load harness gives infra/local's rtpengine and Kamailio scripts to run its own
// media plane beside the shared test instances: its own ports, state directory, trunk and bare
// UAS (the journey harness and the edge benchmark each add their own tuning on top).

export interface MediaPlanePorts {
  kamailio: number;
  kamailioWs: number;
  edgeSip: number;
  edgeDtmf: number;
  edgeDirectory: number;
  trunk: number;
  bareUas: number;
  ngUdp: number;
  ngHttp: number;
  ngCli: number;
}

export function mediaPlaneEnv(options: {
  base: NodeJS.ProcessEnv;
  localDir: string;
  ports: MediaPlanePorts;
  /** The name Kamailio gives the SIPp callers' trunk. */
  trunkName: string;
  /** rtpengine's media port range, apart from every other rtpengine on the machine. */
  rtpPorts: [number, number];
}): NodeJS.ProcessEnv {
  const { ports } = options;
  return {
    ...options.base,
    HOTLINE_LOCAL_DIR: options.localDir,
    RTPENGINE_NG_PORT: String(ports.ngUdp),
    RTPENGINE_HTTP_PORT: String(ports.ngHttp),
    RTPENGINE_CLI_PORT: String(ports.ngCli),
    RTPENGINE_PORT_MIN: String(options.rtpPorts[0]),
    RTPENGINE_PORT_MAX: String(options.rtpPorts[1]),
    RTPENGINE_MAX_SESSIONS: '5000',
    RTPENGINE_DTMF_LOG_DEST: `127.0.0.1:${ports.edgeDtmf}`,
    KAMAILIO_SIP_PORT: String(ports.kamailio),
    KAMAILIO_WS_PORT: String(ports.kamailioWs),
    KAMAILIO_WSS_PORT: '0',
    KAMAILIO_CALL_CONTROL: `127.0.0.1:${ports.edgeSip}`,
    KAMAILIO_TRUNKS: `${options.trunkName}=127.0.0.1:${ports.trunk}`,
    KAMAILIO_BARE_UAS: `127.0.0.1:${ports.bareUas}`,
    KAMAILIO_RTPENGINE: `udp:127.0.0.1:${ports.ngUdp}`,
    KAMAILIO_DIRECTORY_URL: `http://127.0.0.1:${ports.edgeDirectory}/internal/sip-edge`,
    KAMAILIO_SHM_MB: '256',
    KAMAILIO_CHILDREN: '4',
  };
}
