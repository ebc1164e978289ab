import type { ReactNode } from 'react';

export interface Metric {
  label: string;
  value: ReactNode;
  testId?: string;
}

export function Metrics({ items, className = '' }: { items: Metric[]; className?: string }) {
  return (
    <dl className={`metrics ${className}`}>
      {items.map((item) => (
        <div key={item.label} className="metric">
          <dt>{item.label}</dt>
          <dd data-testid={item.testId}>{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}
