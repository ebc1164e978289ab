import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError, apiRequest } from '../api';
import { ConfirmButton } from '../components/ConfirmButton';
import { CredentialForm } from '../components/Credentials';
import { Field, SelectField } from '../components/Field';
import { Metrics } from '../components/Metrics';
import { useCredential } from '../credentials';
import { formatBytes, formatCount, formatTime, formatUsd } from '../format';
import { useToasts } from '../toasts';
import type { CacheStatus, CircuitBreaker, LogLine, LogPage, PluginInfo } from '../types';
import { useLoader } from '../useLoader';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error'].map((name) => ({ value: name, label: name }));

// A refused admin token is reported once, by the plugins panel, not by every panel.
function isAuthError(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 401 || error.status === 403);
}

function PluginsPanel({ onAuthFailure }: { onAuthFailure: (error: unknown) => void }) {
  const toasts = useToasts();
  const { data: plugins, loading, load } = useLoader(
    async () => (await apiRequest<{ plugins: PluginInfo[] }>('/admin/plugins')).plugins,
    (error) => {
      onAuthFailure(error);
      toasts.error(error, 'Could not load the plugins');
    },
  );
  const [busy, setBusy] = useState('');

  useEffect(() => {
    void load();
  }, [load]);

  const reload = async (plugin: PluginInfo) => {
    setBusy(plugin.name);
    try {
      const answer = await apiRequest<PluginInfo & { previous_version?: string; reload_ms?: number }>(
        `/admin/plugins/${encodeURIComponent(plugin.name)}/reload`,
        { method: 'POST', body: {} },
      );
      toasts.success(
        `Reloaded ${answer.name} ${answer.version}` + (answer.reload_ms !== undefined ? ` in ${answer.reload_ms.toFixed(1)} ms.` : '.'),
      );
      await load();
    } catch (error) {
      toasts.error(error, `Could not reload ${plugin.name}`);
    } finally {
      setBusy('');
    }
  };

  const unload = async (plugin: PluginInfo) => {
    try {
      await apiRequest(`/admin/plugins/${encodeURIComponent(plugin.name)}`, { method: 'DELETE' });
      toasts.success(`Unloaded ${plugin.name}.`);
      await load();
    } catch (error) {
      toasts.error(error, `Could not unload ${plugin.name}`);
    }
  };

  return (
    <section className="card" aria-labelledby="plugins-title" data-testid="plugins">
      <div className="section-head">
        <h2 id="plugins-title">Plugins</h2>
        <button type="button" className="button" onClick={load} disabled={loading} data-testid="plugins-refresh">
          {loading ? 'Loading…' : 'Refresh'}
        </button>
      </div>
      {loading && !plugins && <p className="loading">Loading…</p>}
      {plugins && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Plugins table">
          <table data-testid="plugins-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Version</th>
                <th scope="col">State</th>
                <th scope="col">Loaded at</th>
                <th scope="col" className="num">In flight</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {plugins.map((plugin) => (
                <tr
                  key={`${plugin.name}-${plugin.generation}-${plugin.state}`}
                  data-testid="plugin-row"
                  data-plugin={plugin.name}
                  data-state={plugin.state}
                  data-generation={plugin.generation}
                >
                  <th scope="row" title={plugin.description}>
                    {plugin.name}
                  </th>
                  <td>{plugin.kind}</td>
                  <td>
                    {plugin.version} <span className="muted small">API {plugin.api_version}</span>
                  </td>
                  <td>
                    <span className={`status status-${plugin.state}`}>{plugin.state}</span>
                  </td>
                  <td className="nowrap" data-testid="plugin-loaded-at">
                    {formatTime(plugin.loaded_at)}
                  </td>
                  <td className="num">{plugin.in_flight}</td>
                  <td className="nowrap">
                    {plugin.state === 'active' ? (
                      <span className="row-actions">
                        <button
                          type="button"
                          className="button"
                          aria-label={`Reload ${plugin.name}`}
                          data-testid="plugin-reload"
                          disabled={busy !== ''}
                          onClick={() => reload(plugin)}
                        >
                          {busy === plugin.name ? 'Reloading…' : 'Reload'}
                        </button>
                        <ConfirmButton
                          label="Unload"
                          ariaLabel={`Unload ${plugin.name}`}
                          question={`Unload ${plugin.name}?`}
                          confirmLabel="Unload"
                          busyLabel="Unloading…"
                          testId="plugin-unload"
                          disabled={busy !== ''}
                          onConfirm={() => unload(plugin)}
                        />
                      </span>
                    ) : (
                      <span className="muted small">finishing its requests</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function BreakersPanel() {
  const toasts = useToasts();
  const { data: breakers, loading, load } = useLoader(
    async () =>
      (await apiRequest<{ circuit_breakers: Record<string, CircuitBreaker> }>('/internal/resilience/circuit-breakers')).circuit_breakers,
    (error) => {
      if (!isAuthError(error)) toasts.error(error, 'Could not load the circuit breakers');
    },
  );

  useEffect(() => {
    void load();
  }, [load]);

  const reset = async (instance: string) => {
    try {
      await apiRequest(`/internal/resilience/circuit-breakers/${encodeURIComponent(instance)}/reset`, { method: 'POST', body: {} });
      toasts.success(`Circuit breaker of ${instance} reset.`);
      await load();
    } catch (error) {
      toasts.error(error, `Could not reset ${instance}`);
    }
  };

  const entries = Object.entries(breakers ?? {});
  return (
    <section className="card" aria-labelledby="breakers-title" data-testid="breakers">
      <div className="section-head">
        <h2 id="breakers-title">Circuit breakers</h2>
        <button type="button" className="button" onClick={load} disabled={loading}>
          {loading ? 'Loading…' : 'Refresh'}
        </button>
      </div>
      {loading && !breakers && <p className="loading">Loading…</p>}
      {breakers && entries.length === 0 && <p className="muted">No provider instances.</p>}
      {entries.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Circuit breakers table">
          <table data-testid="breakers-table">
            <thead>
              <tr>
                <th scope="col">Instance</th>
                <th scope="col">State</th>
                <th scope="col" className="num">Failures in a row</th>
                <th scope="col" className="num">Failures</th>
                <th scope="col" className="num">Successes</th>
                <th scope="col" className="num">In flight</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {entries.map(([instance, breaker]) => (
                <tr key={instance} data-testid="breaker-row" data-instance={instance}>
                  <th scope="row">{instance}</th>
                  <td>
                    <span className={`status status-${breaker.state.replace(/[^a-z_]/g, '')}`}>{breaker.state}</span>
                    {breaker.retry_in_seconds !== undefined && (
                      <span className="muted small"> retry in {breaker.retry_in_seconds.toFixed(0)} s</span>
                    )}
                  </td>
                  <td className="num">
                    {breaker.consecutive_failures} / {breaker.failure_threshold}
                  </td>
                  <td className="num">{formatCount(breaker.total_failures)}</td>
                  <td className="num">{formatCount(breaker.total_successes)}</td>
                  <td className="num">{breaker.in_flight}</td>
                  <td>
                    <button type="button" className="button" aria-label={`Reset circuit breaker ${instance}`} data-testid="breaker-reset" onClick={() => reset(instance)}>
                      Reset
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function CachePanel() {
  const toasts = useToasts();
  const { data: status, loading, load } = useLoader(
    () => apiRequest<CacheStatus>('/internal/cache/status'),
    (error) => {
      if (!isAuthError(error)) toasts.error(error, 'Could not load the cache status');
    },
  );

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="card" aria-labelledby="cache-title" data-testid="cache">
      <div className="section-head">
        <h2 id="cache-title">Response cache</h2>
        <button type="button" className="button" onClick={load} disabled={loading}>
          {loading ? 'Loading…' : 'Refresh'}
        </button>
      </div>
      {loading && !status && <p className="loading">Loading…</p>}
      {status && (
        <Metrics
          items={[
            { label: 'Enabled', value: status.enabled ? 'yes' : 'no', testId: 'cache-enabled' },
            { label: 'Backend', value: status.backend, testId: 'cache-backend' },
            { label: 'Hits', value: formatCount(status.hits) },
            { label: 'Misses', value: formatCount(status.misses) },
            { label: 'Hit rate', value: `${(status.hit_rate * 100).toFixed(1)}%`, testId: 'cache-hit-rate' },
            { label: 'Entries', value: `${formatCount(status.entries)} of ${formatCount(status.max_entries)}` },
            { label: 'Size', value: `${formatBytes(status.bytes)} of ${formatBytes(status.max_bytes)}` },
            { label: 'Saved', value: formatUsd(status.cost_saved_usd) },
            { label: 'TTL', value: `${formatCount(status.ttl_seconds)} s` },
          ]}
        />
      )}
    </section>
  );
}

function logExtras(line: LogLine): string {
  const skip = new Set(['timestamp', 'level', 'logger', 'message', 'request_id', 'transaction_guid', 'trace_id']);
  const rest = Object.fromEntries(Object.entries(line).filter(([key]) => !skip.has(key)));
  return Object.keys(rest).length ? JSON.stringify(rest) : '';
}

function LogsPanel() {
  const toasts = useToasts();
  const [level, setLevel] = useState('info');
  const [limit, setLimit] = useState(100);
  const [requestId, setRequestId] = useState('');
  const [notConfigured, setNotConfigured] = useState('');
  const { data: page, setData: setPage, loading, load } = useLoader(
    async (minLevel: string, count: number, request: string) => {
      const answer = await apiRequest<LogPage>('/internal/logs', {
        query: { level: minLevel, limit: count, request_id: request.trim() },
      });
      setNotConfigured('');
      return answer;
    },
    (error) => {
      if (error instanceof ApiError && error.code === 'LOGS_NOT_CONFIGURED') {
        setNotConfigured(error.message);
        setPage(null);
      } else if (!isAuthError(error)) {
        toasts.error(error, 'Could not read the logs');
      }
    },
  );

  useEffect(() => {
    void load('info', 100, '');
  }, [load]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void load(level, limit, requestId);
  };

  return (
    <section className="card" aria-labelledby="logs-title" data-testid="logs">
      <h2 id="logs-title">Logs</h2>
      <form className="inline-form" onSubmit={submit} data-testid="logs-form">
        <SelectField id="logs-level" label="Lowest level" value={level} options={LEVELS} testId="logs-level" onChange={setLevel} />
        <Field id="logs-limit" label="Lines">
          <input id="logs-limit" type="number" min={1} max={1000} value={limit} onChange={(event) => setLimit(Number(event.target.value) || 100)} />
        </Field>
        <Field id="logs-request" label="Request id" className="grow">
          <input id="logs-request" value={requestId} placeholder="req_…" spellCheck={false} onChange={(event) => setRequestId(event.target.value)} />
        </Field>
        <button type="submit" className="button primary" disabled={loading} data-testid="logs-refresh">
          {loading ? 'Loading…' : 'Refresh'}
        </button>
      </form>
      {notConfigured && (
        <p className="notice" data-testid="logs-not-configured">
          The server keeps no log file, so there is nothing to show here. Set <code>logging.file</code> in its configuration to
          read its JSON log lines on this page. <span className="muted small">({notConfigured})</span>
        </p>
      )}
      {loading && !page && !notConfigured && <p className="loading">Loading…</p>}
      {page && (
        <>
          <p className="muted small">
            {page.count} lines{page.truncated ? ' (more exist: raise the limit or narrow the filter)' : ''} · scanned{' '}
            {formatBytes(page.scanned_bytes)}
          </p>
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Log lines">
            <table className="logs-table" data-testid="logs-table">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Level</th>
                  <th scope="col">Logger</th>
                  <th scope="col">Message</th>
                  <th scope="col">Fields</th>
                </tr>
              </thead>
              <tbody>
                {page.logs.map((line, index) => (
                  <tr key={index} data-testid="log-row" className={`log-${line.level ?? ''}`}>
                    <td className="nowrap">{line.timestamp ?? ''}</td>
                    <td>
                      <span className={`status status-${line.level ?? ''}`}>{line.level}</span>
                    </td>
                    <td>{line.logger}</td>
                    <td className="log-message">{line.message}</td>
                    <td className="log-fields">
                      {line.request_id && <code className="small">{line.request_id} </code>}
                      <span className="small">{logExtras(line)}</span>
                    </td>
                  </tr>
                ))}
                {page.logs.length === 0 && (
                  <tr>
                    <td colSpan={5} className="muted">
                      No lines match.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

export function OperationsPage() {
  const adminToken = useCredential('adminToken');
  const [rejected, setRejected] = useState('');

  useEffect(() => setRejected(''), [adminToken]);

  const onAuthFailure = useCallback((error: unknown) => {
    if (isAuthError(error)) setRejected((error as ApiError).message);
  }, []);

  return (
    <div className="page operations-page">
      <h1>Operations</h1>
      <section className="card" aria-labelledby="admin-token-title">
        <h2 id="admin-token-title">Admin token</h2>
        {!adminToken && (
          <p className="notice" data-testid="admin-token-needed">
            This page manages the server: enter the admin token (the server writes it to <code>admin.token</code> in its data
            folder). It is kept for this tab only.
          </p>
        )}
        {rejected && (
          <p className="notice notice-error" data-testid="admin-token-rejected">
            The server refused this token: {rejected}. Enter the right one, or forget it.
          </p>
        )}
        <CredentialForm name="adminToken" label="Admin token" testId="admin-token" hint="Sent as Authorization: Bearer on /admin and /internal calls." />
      </section>
      {adminToken && (
        <div key={adminToken} className="stack">
          <PluginsPanel onAuthFailure={onAuthFailure} />
          <BreakersPanel />
          <CachePanel />
          <LogsPanel />
        </div>
      )}
    </div>
  );
}
