// A labelled form control: `<div class="field">`, its <label for=id>, then the control (and any hint).
import type { ReactNode } from 'react';

interface FieldProps {
  /** The id of the control inside, which the label names. */
  id: string;
  label: ReactNode;
  /** More classes beside "field", e.g. "grow". */
  className?: string;
  children: ReactNode;
}

export function Field({ id, label, className, children }: FieldProps) {
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children}
    </div>
  );
}

export interface SelectOption {
  value: string | number;
  label: ReactNode;
}

interface SelectFieldProps {
  id: string;
  label: ReactNode;
  value: string | number;
  options: SelectOption[];
  /** Called with the chosen option's value, as the <select> gives it: a string. */
  onChange: (value: string) => void;
  testId?: string;
  disabled?: boolean;
}

export function SelectField({ id, label, value, options, onChange, testId, disabled }: SelectFieldProps) {
  return (
    <Field id={id} label={label}>
      <select id={id} value={value} data-testid={testId} disabled={disabled} onChange={(event) => onChange(event.target.value)}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** Options for a filter: "All" (the empty value) first, then each name with its label. */
export function allAnd(names: string[], label: (name: string) => ReactNode = (name) => name): SelectOption[] {
  return [{ value: '', label: 'All' }, ...names.map((name) => ({ value: name, label: label(name) }))];
}
