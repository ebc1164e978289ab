// Entering and forgetting the API key and the admin token (kept in sessionStorage).
import { useId, useState, type FormEvent } from 'react';
import { forgetCredential, setCredential, useCredential, type CredentialName } from '../credentials';

interface Props {
  name: CredentialName;
  label: string;
  hint: string;
  testId: string;
}

export function CredentialForm({ name, label, hint, testId }: Props) {
  const current = useCredential(name);
  const [draft, setDraft] = useState('');
  const inputId = useId();
  const hintId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft.trim()) return;
    setCredential(name, draft);
    setDraft('');
  };

  return (
    <form className="credential" onSubmit={submit} data-testid={testId} aria-label={label}>
      <div className="field">
        <label htmlFor={inputId}>{label}</label>
        <div className="inline">
          <input
            id={inputId}
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={draft}
            aria-describedby={hintId}
            placeholder={current ? 'Saved (type to replace)' : 'Not set'}
            data-testid={`${testId}-input`}
            onChange={(event) => setDraft(event.target.value)}
          />
          <button type="submit" className="button primary" data-testid={`${testId}-save`} disabled={!draft.trim()}>
            Save
          </button>
          <button
            type="button"
            className="button"
            data-testid={`${testId}-forget`}
            disabled={!current}
            onClick={() => forgetCredential(name)}
          >
            Forget
          </button>
        </div>
        <p id={hintId} className="hint">
          {current ? <span data-testid={`${testId}-status`}>Set for this tab. </span> : null}
          {hint}
        </p>
      </div>
    </form>
  );
}
