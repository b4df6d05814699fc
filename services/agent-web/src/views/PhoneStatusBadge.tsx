import type { PhoneStatus } from '../softphone/phone-state';

const words: Record<PhoneStatus['registration'], string> = {
  stopped: 'off',
  connecting: 'connecting',
  registering: 'registering',
  registered: 'ready',
  reconnecting: 'reconnecting',
  failed: 'failed',
};

export function PhoneStatusBadge(props: { status: PhoneStatus }) {
  const r = props.status.registration;
  return (
    <span
      className={`badge phone-${r}`}
      role="status"
      aria-label="Softphone"
      title={props.status.message ?? undefined}
    >
      Phone: {words[r]}
    </span>
  );
}
