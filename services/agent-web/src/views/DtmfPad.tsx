const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/** Keys sent as RFC 4733 telephone-events; typing digits while the pad has focus works too. */
export function DtmfPad(props: { disabled: boolean; onKey: (key: string) => void }) {
  return (
    <div
      className="dtmf"
      role="group"
      aria-label="Keypad"
      tabIndex={props.disabled ? -1 : 0}
      onKeyDown={(e) => {
        if (!props.disabled && KEYS.includes(e.key)) {
          e.preventDefault();
          props.onKey(e.key);
        }
      }}
    >
      {KEYS.map((k) => (
        <button
          key={k}
          type="button"
          disabled={props.disabled}
          aria-label={`Key ${k}`}
          onClick={() => props.onKey(k)}
        >
          {k}
        </button>
      ))}
    </div>
  );
}
