import { FRAMEWORKS, FRAMEWORK_LABELS, type Framework } from '../api';
import { SelectField } from './Field';

interface Props {
  id: string;
  value: Framework;
  onChange: (framework: Framework) => void;
  label?: string;
  testId?: string;
  disabled?: boolean;
}

const OPTIONS = FRAMEWORKS.map((framework) => ({ value: framework, label: `${FRAMEWORK_LABELS[framework]} (${framework})` }));

export function FrameworkSelect({ id, value, onChange, label = 'Framework', testId, disabled }: Props) {
  return (
    <SelectField
      id={id}
      label={label}
      value={value}
      options={OPTIONS}
      testId={testId}
      disabled={disabled}
      onChange={(chosen) => onChange(chosen as Framework)}
    />
  );
}
