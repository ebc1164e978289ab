import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { apiRequest } from '../api';
import { BarChart } from '../components/BarChart';
import { allAnd, Field, SelectField } from '../components/Field';
import { Metrics } from '../components/Metrics';
import { useCredential } from '../credentials';
import { formatCount, formatMs, formatTime, formatUsd, utcDay } from '../format';
import { useToasts } from '../toasts';
import { methodLabel, type ApiKeyInfo, type Transaction, type UsageReport } from '../types';
import { useLoader } from '../useLoader';

const LIMITS = [25, 50, 100, 250].map((value) => ({ value, label: value }));

/** The ledger names a framework by its plugin (kernel, chain, graph): shown by its product name. */
function frameworkName(name: string): string {
  if (!name || name === 'none') return '(none)';
  return methodLabel(name);
}

function BudgetBar({ label, spent, budget, testId }: { label: string; spent: number | null | undefined; budget: number | null; testId: string }) {
  if (budget === null || budget === undefined) {
    return (
      <div className="budget" data-testid={testId}>
        <span className="budget-label">{label}</span>
        <span className="muted small">no budget</span>
      </div>
    );
  }
  const known = typeof spent === 'number';
  const share = known && budget > 0 ? Math.min(1, spent / budget) : 0;
  const percent = Math.round(share * 1000) / 10;
  const text = known ? `${formatUsd(spent)} of ${formatUsd(budget)} (${percent}%)` : `${formatUsd(budget)} budget; spending not reported`;
  return (
    <div className="budget" data-testid={testId}>
      <span className="budget-label">{label}</span>
      <div
        className={`progress ${share >= 1 ? 'progress-over' : share >= 0.8 ? 'progress-high' : ''}`}
        role="progressbar"
        aria-label={`${label} budget used`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={known ? percent : undefined}
        aria-valuetext={text}
      >
        <div className="progress-fill" style={{ width: `${share * 100}%` }} />
      </div>
      <span className="small">{text}</span>
    </div>
  );
}

function BudgetPanel() {
  const toasts = useToasts();
  const adminToken = useCredential('adminToken');
  const { data: keys, setData: setKeys, loading, load } = useLoader(
    async () => (await apiRequest<{ keys: ApiKeyInfo[] }>('/admin/keys')).keys,
    (error) => {
      setKeys(null);
      toasts.error(error, 'Could not load the API keys');
    },
  );
  const [showRevoked, setShowRevoked] = useState(false);
  const shownKeys = (keys ?? []).filter((key) => showRevoked || key.active);
  const revoked = (keys ?? []).length - (keys ?? []).filter((key) => key.active).length;

  useEffect(() => {
    if (adminToken) void load();
    else setKeys(null);
  }, [adminToken, load, setKeys]);

  return (
    <section className="card" aria-labelledby="budgets-title" data-testid="budgets">
      <div className="section-head">
        <h2 id="budgets-title">Budget use per API key</h2>
        {adminToken && (
          <div className="inline">
            <label className="checkbox" htmlFor="budgets-revoked">
              <input
                id="budgets-revoked"
                type="checkbox"
                checked={showRevoked}
                data-testid="budgets-show-revoked"
                onChange={(event) => setShowRevoked(event.target.checked)}
              />
              Show revoked keys{revoked > 0 ? ` (${revoked})` : ''}
            </label>
            <button type="button" className="button" onClick={load} disabled={loading}>
              {loading ? 'Loading…' : 'Refresh'}
            </button>
          </div>
        )}
      </div>
      {!adminToken && (
        <p className="notice" data-testid="budgets-hint">
          The keys and their budgets need the admin token: enter it on the <a href="#/operations">Operations page</a> (or under
          Credentials at the top).
        </p>
      )}
      {adminToken && loading && !keys && <p className="loading">Loading…</p>}
      {keys && shownKeys.length === 0 && <p className="muted">{keys.length === 0 ? 'No API keys yet.' : 'No active API keys.'}</p>}
      {shownKeys.length > 0 && (
        <ul className="budget-list" data-testid="budget-list">
          {shownKeys.map((key) => (
            <li key={key.id} className="budget-key" data-testid="budget-key" data-key-name={key.name}>
              <div className="budget-key-head">
                <strong>{key.name}</strong>
                <span className="muted small">
                  {key.team ? `team ${key.team}` : 'no team'} · {key.active ? 'active' : 'revoked'}
                  {key.expires_at ? ` · expires ${formatTime(key.expires_at)}` : ''}
                </span>
              </div>
              <BudgetBar label="Today" spent={key.spent_today_usd} budget={key.daily_budget_usd} testId="budget-daily" />
              <BudgetBar label="This month" spent={key.spent_this_month_usd} budget={key.monthly_budget_usd} testId="budget-monthly" />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function CostsPage() {
  const toasts = useToasts();
  const [start, setStart] = useState(utcDay(-7));
  const [end, setEnd] = useState(utcDay(0));
  const [usageFramework, setUsageFramework] = useState('');
  const [known, setKnown] = useState<string[]>([]);

  const [limit, setLimit] = useState(50);
  const [txFramework, setTxFramework] = useState('');
  const [statusFilter, setStatusFilter] = useState('');
  const [typeFilter, setTypeFilter] = useState('');

  const remember = useCallback((names: string[]) => {
    setKnown((list) => {
      const next = new Set(list);
      names.filter((name) => name && name !== 'none').forEach((name) => next.add(name));
      return next.size === list.length ? list : [...next].sort();
    });
  }, []);

  const { data: usage, loading: usageLoading, load: loadUsage } = useLoader(
    async (from: string, to: string, framework: string) => {
      const answer = await apiRequest<UsageReport>('/api/cost/usage', {
        query: { start_date: from, end_date: to, framework },
      });
      remember(Object.keys(answer.by_framework));
      return answer;
    },
    (error) => toasts.error(error, 'Could not load the usage'),
  );

  const { data: transactions, loading: txLoading, load: loadTransactions } = useLoader(
    async (count: number, framework: string): Promise<Transaction[]> => {
      const answer = await apiRequest<{ transactions: Transaction[] }>('/api/cost/transactions', {
        query: { limit: count, framework },
      });
      remember(answer.transactions.map((row) => row.framework));
      return answer.transactions;
    },
    (error) => toasts.error(error, 'Could not load the transactions'),
  );

  useEffect(() => {
    void loadUsage(utcDay(-7), utcDay(0), '');
  }, [loadUsage]);

  useEffect(() => {
    void loadTransactions(limit, txFramework);
  }, [loadTransactions, limit, txFramework]);

  const submitUsage = (event: FormEvent) => {
    event.preventDefault();
    void loadUsage(start, end, usageFramework);
  };

  const frameworkBars = useMemo(() => {
    const entries = Object.entries(usage?.by_framework ?? {});
    return {
      cost: entries.map(([name, totals]) => ({ label: frameworkName(name), value: totals.cost_usd, display: formatUsd(totals.cost_usd) })),
      tokens: entries.map(([name, totals]) => ({ label: frameworkName(name), value: totals.tokens, display: formatCount(totals.tokens) })),
    };
  }, [usage]);

  const dayBars = useMemo(() => {
    const days = usage?.by_day ?? [];
    return {
      cost: days.map((day) => ({ label: day.date, value: day.cost_usd, display: formatUsd(day.cost_usd) })),
      tokens: days.map((day) => ({ label: day.date, value: day.tokens, display: formatCount(day.tokens) })),
    };
  }, [usage]);

  const frameworkOptions = useMemo(() => allAnd(known, frameworkName), [known]);
  const statuses = useMemo(() => [...new Set((transactions ?? []).map((row) => row.status))].sort(), [transactions]);
  const types = useMemo(() => [...new Set((transactions ?? []).map((row) => row.type))].sort(), [transactions]);
  const shown = useMemo(
    () =>
      (transactions ?? []).filter(
        (row) => (!statusFilter || row.status === statusFilter) && (!typeFilter || row.type === typeFilter),
      ),
    [transactions, statusFilter, typeFilter],
  );

  return (
    <div className="page costs-page">
      <h1>Costs</h1>
      <section className="card" aria-labelledby="usage-title">
        <h2 id="usage-title">Usage</h2>
        <form className="inline-form" onSubmit={submitUsage} data-testid="usage-form">
          <Field id="usage-start" label="From (UTC)">
            <input id="usage-start" type="date" required value={start} max={end} data-testid="usage-start" onChange={(event) => setStart(event.target.value)} />
          </Field>
          <Field id="usage-end" label="To (UTC)">
            <input id="usage-end" type="date" required value={end} min={start} data-testid="usage-end" onChange={(event) => setEnd(event.target.value)} />
          </Field>
          <SelectField id="usage-framework" label="Framework" value={usageFramework} options={frameworkOptions} testId="usage-framework" onChange={setUsageFramework} />
          <button type="submit" className="button primary" disabled={usageLoading} data-testid="usage-apply">
            {usageLoading ? 'Loading…' : 'Show'}
          </button>
        </form>
        {usageLoading && !usage && <p className="loading">Loading…</p>}
        {usage && (
          <>
            <Metrics
              className="summary"
              items={[
                { label: 'Requests', value: formatCount(usage.summary.total_requests), testId: 'summary-requests' },
                { label: 'Tokens', value: formatCount(usage.summary.total_tokens), testId: 'summary-tokens' },
                { label: 'Cost', value: formatUsd(usage.summary.total_cost_usd), testId: 'summary-cost' },
                { label: 'Average per request', value: formatUsd(usage.summary.average_cost_per_request) },
                { label: 'Range', value: `${usage.summary.date_range.start} → ${usage.summary.date_range.end}` },
              ]}
            />
            <div className="chart-grid">
              <BarChart title="Cost by framework (USD)" bars={frameworkBars.cost} testId="chart-cost-framework" />
              <BarChart title="Tokens by framework" bars={frameworkBars.tokens} testId="chart-tokens-framework" />
              <BarChart title="Cost by day (USD)" bars={dayBars.cost} testId="chart-cost-day" />
              <BarChart title="Tokens by day" bars={dayBars.tokens} testId="chart-tokens-day" />
            </div>
          </>
        )}
      </section>

      <section className="card" aria-labelledby="transactions-title">
        <div className="section-head">
          <h2 id="transactions-title">Transactions</h2>
          <button type="button" className="button" onClick={() => loadTransactions(limit, txFramework)} disabled={txLoading}>
            Refresh
          </button>
        </div>
        <form className="inline-form" onSubmit={(event) => event.preventDefault()} aria-label="Transaction filters">
          <SelectField id="tx-framework" label="Framework" value={txFramework} options={frameworkOptions} testId="tx-framework" onChange={setTxFramework} />
          <SelectField id="tx-status" label="Status" value={statusFilter} options={allAnd(statuses)} testId="tx-status" onChange={setStatusFilter} />
          <SelectField id="tx-type" label="Type" value={typeFilter} options={allAnd(types)} testId="tx-type" onChange={setTypeFilter} />
          <SelectField id="tx-limit" label="Rows" value={limit} options={LIMITS} testId="tx-limit" onChange={(value) => setLimit(Number(value))} />
        </form>
        {txLoading && !transactions && <p className="loading">Loading…</p>}
        {transactions && (
          <>
            <p className="muted small" aria-live="polite" data-testid="tx-count">
              {txLoading ? 'Loading…' : `${shown.length} of ${transactions.length} rows shown`}
            </p>
            <div className="table-scroll" tabIndex={0} role="region" aria-label="Transactions table">
              <table data-testid="transactions-table">
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Type</th>
                    <th scope="col">Framework</th>
                    <th scope="col">Provider / model</th>
                    <th scope="col" className="num">Tokens</th>
                    <th scope="col" className="num">Cost</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="num">Latency</th>
                    <th scope="col">Request id</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((row) => (
                    <tr key={row.id} data-testid="transaction-row" data-framework={row.framework} data-status={row.status}>
                      <td className="nowrap">{formatTime(row.created_at)}</td>
                      <td>{row.type}</td>
                      <td>{row.framework ? frameworkName(row.framework) : '—'}</td>
                      <td>
                        {row.provider}
                        {row.model ? ` / ${row.model}` : ''}
                        {row.cache_hit ? <span className="badge">cache</span> : null}
                      </td>
                      <td className="num">{formatCount(row.total_tokens)}</td>
                      <td className="num">{row.priced ? formatUsd(row.estimated_cost_usd) : 'unpriced'}</td>
                      <td>
                        <span className={`status status-${row.status}`}>{row.status}</span>
                      </td>
                      <td className="num">{formatMs(row.generation_time_ms)}</td>
                      <td>
                        <code className="small">{row.request_id}</code>
                      </td>
                    </tr>
                  ))}
                  {shown.length === 0 && (
                    <tr>
                      <td colSpan={9} className="muted">
                        No transactions match.
                      </td>
                    </tr>
                  )}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>

      <BudgetPanel />
    </div>
  );
}
