import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { apiRequest, type Framework } from '../api';
import { ConfirmButton } from '../components/ConfirmButton';
import { Field } from '../components/Field';
import { FrameworkSelect } from '../components/FrameworkSelect';
import { Metrics } from '../components/Metrics';
import { formatCount, formatModel, formatMs, formatTime, formatTokens, formatUsd } from '../format';
import { useLatest } from '../latest';
import { useToasts } from '../toasts';
import { methodLabel, type CompareAnswer, type CompareResult, type Story, type StoryPage } from '../types';
import { useLoader } from '../useLoader';

const PAGE_SIZES = [5, 10, 25];

function storyMetrics(story: Story) {
  return [
    { label: 'Framework', value: methodLabel(story.method), testId: 'metric-framework' },
    { label: 'Time', value: formatMs(story.generation_time_ms), testId: 'metric-time' },
    { label: 'Tokens', value: formatTokens(story), testId: 'metric-tokens' },
    { label: 'Cost', value: formatUsd(story.estimated_cost_usd), testId: 'metric-cost' },
    { label: 'Model', value: formatModel(story) },
  ];
}

function StoryText({ text }: { text: string }) {
  return (
    <div className="story-text" data-testid="story-text">
      {text}
    </div>
  );
}

/** One stored story in a list: who, when, numbers, its text folded, and Delete. */
function StoryItem({ story, onDelete }: { story: Story; onDelete: (story: Story) => Promise<void> }) {
  return (
    <li className="story-item" data-testid="story-item" data-story-id={story.id}>
      <div className="story-item-head">
        <div>
          <strong className="story-item-title">
            {story.primary_character} &amp; {story.secondary_character}
          </strong>
          <span className="muted small">
            {' '}
            #{story.id} · {methodLabel(story.method)} · {formatTime(story.created_at)}
          </span>
        </div>
        <ConfirmButton
          label="Delete"
          ariaLabel={`Delete story ${story.id}`}
          question={`Delete story #${story.id}?`}
          confirmLabel="Delete story"
          busyLabel="Deleting…"
          testId="story-delete"
          onConfirm={() => onDelete(story)}
        />
      </div>
      <p className="muted small">
        {formatMs(story.generation_time_ms)} · {formatCount(story.total_tokens)} tokens · {formatUsd(story.estimated_cost_usd)}
      </p>
      <details className="story-details">
        <summary>Read the story</summary>
        <StoryText text={story.story} />
      </details>
    </li>
  );
}

function CompareCard({ result }: { result: CompareResult }) {
  const label = methodLabel(result.framework);
  return (
    <article className={`card compare-card ${result.ok ? '' : 'compare-failed'}`} data-testid="compare-card" data-framework={result.framework} aria-label={label}>
      <h3>{label}</h3>
      {result.ok && result.story ? (
        <>
          <Metrics items={storyMetrics(result.story).slice(1)} className="compact" />
          <StoryText text={result.story.story} />
        </>
      ) : (
        <div className="error-box" data-testid="compare-error">
          <strong>{result.error?.code ?? 'ERROR'}</strong>
          {result.status ? ` (${result.status})` : ''}: {result.error?.message ?? 'failed'}
          {result.error?.request_id && <div className="small">Request id: {result.error.request_id}</div>}
        </div>
      )}
    </article>
  );
}

export function StoriesPage() {
  const toasts = useToasts();
  const [primary, setPrimary] = useState('');
  const [secondary, setSecondary] = useState('');
  const [framework, setFramework] = useState<Framework>('langchain');
  const [busy, setBusy] = useState<'' | 'one' | 'compare'>('');
  const [result, setResult] = useState<Story | null>(null);
  const [compare, setCompare] = useState<CompareAnswer | null>(null);

  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(10);

  const [searchText, setSearchText] = useState('');
  const [searched, setSearched] = useState('');
  const [searchResults, setSearchResults] = useState<Story[] | null>(null);
  const [searching, setSearching] = useState(false);

  const { data: history, loading: historyLoading, load: loadHistory } = useLoader(
    (pageIndex: number, size: number) => apiRequest<StoryPage>('/api/stories', { query: { skip: pageIndex * size, limit: size } }),
    (error) => toasts.error(error, 'Could not load the stories'),
  );

  useEffect(() => {
    void loadHistory(page, pageSize);
  }, [loadHistory, page, pageSize]);

  const beginSearch = useLatest();
  const runSearch = useCallback(
    async (character: string) => {
      const latest = beginSearch();
      setSearching(true);
      try {
        const answer = await apiRequest<Story[]>('/api/stories/search/characters', { query: { character } });
        if (!latest()) return;
        setSearchResults(answer);
        setSearched(character);
      } catch (error) {
        if (latest()) toasts.error(error, 'Search failed');
      } finally {
        if (latest()) setSearching(false);
      }
    },
    [toasts, beginSearch],
  );

  /** Writes through `request`, shows its answer and goes to the first page of the history. */
  const write = async <T,>(kind: 'one' | 'compare', request: () => Promise<T>, show: (answer: T) => void, failure: string) => {
    setBusy(kind);
    try {
      show(await request());
      if (page === 0) void loadHistory(0, pageSize);
      else setPage(0);
    } catch (error) {
      toasts.error(error, failure);
    } finally {
      setBusy('');
    }
  };

  const generate = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    await write(
      'one',
      () => apiRequest<Story>(`/api/${framework}`, { body: { primary_character: primary, secondary_character: secondary } }),
      (story) => {
        setResult(story);
        setCompare(null);
      },
      'The story could not be written',
    );
  };

  const compareAll = async (form: HTMLFormElement | null) => {
    if (busy) return;
    if (form && !form.reportValidity()) return;
    await write(
      'compare',
      () => apiRequest<CompareAnswer>('/api/compare', { body: { primary_character: primary, secondary_character: secondary } }),
      (answer) => {
        setCompare(answer);
        setResult(null);
      },
      'The comparison failed',
    );
  };

  const deleteStory = async (story: Story) => {
    try {
      await apiRequest<void>(`/api/stories/${story.id}`, { method: 'DELETE' });
      toasts.success(`Story #${story.id} deleted.`);
      setSearchResults((list) => list?.filter((item) => item.id !== story.id) ?? null);
      setResult((current) => (current?.id === story.id ? null : current));
      await loadHistory(page, pageSize);
    } catch (error) {
      toasts.error(error, 'The story could not be deleted');
    }
  };

  const total = history?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / pageSize));

  return (
    <div className="page stories-page">
      <h1>Stories</h1>
      <section className="card" aria-labelledby="story-form-title">
        <h2 id="story-form-title">Write a story</h2>
        <form
          className="form-grid"
          onSubmit={generate}
          data-testid="story-form"
          aria-labelledby="story-form-title"
        >
          <Field id="story-primary" label="Primary character">
            <input
              id="story-primary"
              required
              maxLength={100}
              value={primary}
              data-testid="story-primary"
              onChange={(event) => setPrimary(event.target.value)}
            />
          </Field>
          <Field id="story-secondary" label="Secondary character">
            <input
              id="story-secondary"
              required
              maxLength={100}
              value={secondary}
              data-testid="story-secondary"
              onChange={(event) => setSecondary(event.target.value)}
            />
          </Field>
          <FrameworkSelect id="story-framework" value={framework} onChange={setFramework} testId="story-framework" />
          <div className="actions">
            <button type="submit" className="button primary" disabled={busy !== ''} data-testid="story-generate">
              {busy === 'one' ? 'Generating…' : 'Generate story'}
            </button>
            <button
              type="button"
              className="button"
              disabled={busy !== ''}
              data-testid="story-compare"
              onClick={(event) => compareAll(event.currentTarget.form)}
            >
              {busy === 'compare' ? 'Generating…' : 'Compare all three'}
            </button>
          </div>
        </form>
      </section>

      <p className="visually-hidden" role="status">
        {busy ? 'Generating…' : result ? `Story #${result.id} written.` : compare ? 'Comparison ready.' : ''}
      </p>
      <div className="results-region">
        {busy && <p className="loading" data-testid="story-loading">Generating…</p>}
        {result && (
          <section className="card" data-testid="story-result" aria-labelledby="story-result-title">
            <h2 id="story-result-title">
              {result.primary_character} &amp; {result.secondary_character}{' '}
              <span className="muted small">({methodLabel(result.method)})</span>
            </h2>
            <Metrics items={storyMetrics(result)} />
            <StoryText text={result.story} />
          </section>
        )}
        {compare && (
          <section data-testid="compare-results" aria-labelledby="compare-title">
            <h2 id="compare-title">
              Compared: {compare.primary_character} &amp; {compare.secondary_character}{' '}
              <span className="muted small">in {formatMs(compare.total_time_ms)} in all</span>
            </h2>
            <div className="compare-grid">
              {compare.results.map((entry) => (
                <CompareCard key={entry.framework} result={entry} />
              ))}
            </div>
          </section>
        )}
      </div>

      <section className="card" aria-labelledby="history-title">
        <div className="section-head">
          <h2 id="history-title">History</h2>
          <div className="inline">
            <label htmlFor="history-size">Per page</label>
            <select
              id="history-size"
              value={pageSize}
              data-testid="history-size"
              onChange={(event) => {
                setPageSize(Number(event.target.value));
                setPage(0);
              }}
            >
              {PAGE_SIZES.map((size) => (
                <option key={size} value={size}>
                  {size}
                </option>
              ))}
            </select>
            <button type="button" className="button" onClick={() => loadHistory(page, pageSize)} disabled={historyLoading}>
              Refresh
            </button>
          </div>
        </div>
        {historyLoading && !history && <p className="loading">Loading…</p>}
        {history && history.stories.length === 0 && <p className="muted">No stories yet.</p>}
        {history && (
          <ul className="story-list" data-testid="history-list" aria-busy={historyLoading}>
            {history.stories.map((story) => (
              <StoryItem key={story.id} story={story} onDelete={deleteStory} />
            ))}
          </ul>
        )}
        <nav className="pager" aria-label="History pages">
          <button
            type="button"
            className="button"
            data-testid="history-prev"
            disabled={page === 0 || historyLoading}
            onClick={() => setPage((value) => Math.max(0, value - 1))}
          >
            Previous
          </button>
          <span data-testid="history-page" aria-live="polite">
            Page {page + 1} of {pages} · {formatCount(total)} stories
          </span>
          <button
            type="button"
            className="button"
            data-testid="history-next"
            disabled={page + 1 >= pages || historyLoading}
            onClick={() => setPage((value) => value + 1)}
          >
            Next
          </button>
        </nav>
      </section>

      <section className="card" aria-labelledby="search-title">
        <h2 id="search-title">Search by character</h2>
        <form
          className="inline-form"
          data-testid="search-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (searchText.trim()) void runSearch(searchText.trim());
          }}
        >
          <Field id="search-character" label="Character" className="grow">
            <input
              id="search-character"
              type="search"
              required
              maxLength={100}
              value={searchText}
              data-testid="search-input"
              onChange={(event) => setSearchText(event.target.value)}
            />
          </Field>
          <button type="submit" className="button primary" disabled={searching} data-testid="search-submit">
            {searching ? 'Searching…' : 'Search'}
          </button>
        </form>
        {searching && <p className="loading">Loading…</p>}
        {searchResults && (
          <div data-testid="search-results">
            <p className="muted" aria-live="polite">
              {searchResults.length === 0
                ? `No story with “${searched}”.`
                : `${searchResults.length} ${searchResults.length === 1 ? 'story' : 'stories'} with “${searched}”.`}
            </p>
            <ul className="story-list">
              {searchResults.map((story) => (
                <StoryItem key={story.id} story={story} onDelete={deleteStory} />
              ))}
            </ul>
          </div>
        )}
      </section>
    </div>
  );
}
