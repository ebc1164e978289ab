// A destructive action in two steps: the button asks, "Confirm" does it, "Cancel" backs out.
import { useEffect, useRef, useState } from 'react';

interface Props {
  label: string;
  /** The accessible name of the first button, e.g. "Delete story 12". */
  ariaLabel?: string;
  question: string;
  confirmLabel?: string;
  busyLabel?: string;
  onConfirm: () => Promise<unknown> | void;
  testId?: string;
  disabled?: boolean;
}

export function ConfirmButton({ label, ariaLabel, question, confirmLabel = 'Confirm', busyLabel, onConfirm, testId, disabled }: Props) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const firstRef = useRef<HTMLButtonElement>(null);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);

  if (!asking) {
    return (
      <button
        ref={firstRef}
        type="button"
        className="button danger-outline"
        aria-label={ariaLabel}
        data-testid={testId}
        disabled={disabled}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }

  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      if (mounted.current) {
        setBusy(false);
        setAsking(false);
      }
    }
  };

  return (
    <span className="confirm" role="group" aria-label={question}>
      <span className="confirm-question">{question}</span>
      <button
        ref={confirmRef}
        type="button"
        className="button danger"
        data-testid={testId ? `${testId}-confirm` : undefined}
        disabled={busy}
        onClick={confirm}
      >
        {busy ? (busyLabel ?? 'Working…') : confirmLabel}
      </button>
      <button
        type="button"
        className="button"
        data-testid={testId ? `${testId}-cancel` : undefined}
        disabled={busy}
        onClick={() => {
          setAsking(false);
          window.setTimeout(() => firstRef.current?.focus(), 0);
        }}
      >
        Cancel
      </button>
    </span>
  );
}
