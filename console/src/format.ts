export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

export function formatUsd(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || Number.isNaN(usd)) return '—';
  if (usd === 0) return '$0.00';
  const size = Math.abs(usd);
  if (size < 0.01) return `$${usd.toFixed(6)}`;
  if (size < 1) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return value.toLocaleString('en-US');
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso.includes('T') || iso.endsWith('Z') ? iso : `${iso.replace(' ', 'T')}Z`);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
}

/** YYYY-MM-DD of a UTC day `offset` days from today. */
export function utcDay(offset = 0): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + offset);
  return date.toISOString().slice(0, 10);
}

/** "1,234 (1,000 in / 234 out)": a generation's tokens, all and by direction. */
export function formatTokens(usage: { total_tokens: number; input_tokens: number; output_tokens: number }): string {
  return `${formatCount(usage.total_tokens)} (${formatCount(usage.input_tokens)} in / ${formatCount(usage.output_tokens)} out)`;
}

/** "provider / model", either alone when the other is empty, "—" when both are. */
export function formatModel(usage: { provider: string; model: string }): string {
  return [usage.provider, usage.model].filter(Boolean).join(' / ') || '—';
}
