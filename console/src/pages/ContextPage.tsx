import { useRef, useState, type FormEvent } from 'react';
import { apiRequest, type Framework } from '../api';
import { Field } from '../components/Field';
import { FrameworkSelect } from '../components/FrameworkSelect';
import { Metrics } from '../components/Metrics';
import { formatBytes, formatCount, formatModel, formatMs, formatTokens, formatUsd } from '../format';
import { useToasts } from '../toasts';
import type { ExecuteAnswer, UploadAnswer } from '../types';

const ACCEPTED = '.txt,.md,.csv,.json,.html,.htm,.pdf';

export function ContextPage() {
  const toasts = useToasts();
  const fileRef = useRef<HTMLInputElement>(null);
  const [fileChosen, setFileChosen] = useState(false);
  const [uploading, setUploading] = useState(false);
  const [upload, setUpload] = useState<UploadAnswer | null>(null);
  const [systemPrompt, setSystemPrompt] = useState('You answer questions about the attached document, briefly and precisely.');
  const [userPrompt, setUserPrompt] = useState('');
  const [framework, setFramework] = useState<Framework>('langchain');
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<ExecuteAnswer | null>(null);

  const submitUpload = async (event: FormEvent) => {
    event.preventDefault();
    const file = fileRef.current?.files?.[0];
    if (!file || uploading) return;
    setUploading(true);
    try {
      const form = new FormData();
      form.append('file', file, file.name);
      const answer = await apiRequest<UploadAnswer>('/api/context/upload', { method: 'POST', form });
      setUpload(answer);
      setResult(null);
      toasts.success(`${answer.filename} uploaded.`);
    } catch (error) {
      toasts.error(error, 'The upload failed');
    } finally {
      setUploading(false);
    }
  };

  const submitExecute = async (event: FormEvent) => {
    event.preventDefault();
    if (!upload || running) return;
    setRunning(true);
    try {
      const answer = await apiRequest<ExecuteAnswer>('/api/context/execute', {
        body: { file_id: upload.file_id, system_prompt: systemPrompt, user_prompt: userPrompt, framework },
      });
      setResult(answer);
    } catch (error) {
      toasts.error(error, 'The prompts could not be run');
    } finally {
      setRunning(false);
    }
  };

  return (
    <div className="page context-page">
      <h1>Context</h1>
      <section className="card" aria-labelledby="upload-title">
        <h2 id="upload-title">1. Upload a document</h2>
        <form className="inline-form" onSubmit={submitUpload} data-testid="upload-form">
          <Field id="context-file" label="File (txt, md, csv, json, html or pdf; at most 10 MB)" className="grow">
            <input
              id="context-file"
              ref={fileRef}
              type="file"
              accept={ACCEPTED}
              required
              data-testid="context-file"
              onChange={(event) => setFileChosen(!!event.target.files?.length)}
            />
          </Field>
          <button type="submit" className="button primary" disabled={uploading || !fileChosen} data-testid="context-upload">
            {uploading ? 'Uploading…' : 'Upload'}
          </button>
        </form>
        {upload && (
          <Metrics
            className="upload-info"
            items={[
              { label: 'File id', value: <code data-testid="context-file-id">{upload.file_id}</code> },
              { label: 'Name', value: upload.filename, testId: 'context-file-name' },
              { label: 'Type', value: upload.file_type },
              { label: 'Size', value: formatBytes(upload.file_size_bytes), testId: 'context-file-size' },
              { label: 'Text extracted', value: `${formatCount(upload.processed_content_length)} characters` },
              { label: 'Processing time', value: formatMs(upload.processing_time_ms) },
            ]}
          />
        )}
      </section>

      <section className="card" aria-labelledby="execute-title">
        <h2 id="execute-title">2. Ask about it</h2>
        {!upload && <p className="muted">Upload a document first; its text goes along with the prompts.</p>}
        <form className="stack" onSubmit={submitExecute} data-testid="execute-form">
          <Field id="context-system" label="System prompt">
            <textarea
              id="context-system"
              rows={3}
              required
              maxLength={10000}
              value={systemPrompt}
              data-testid="context-system"
              onChange={(event) => setSystemPrompt(event.target.value)}
            />
          </Field>
          <Field id="context-user" label="User prompt">
            <textarea
              id="context-user"
              rows={4}
              required
              maxLength={50000}
              value={userPrompt}
              data-testid="context-user"
              onChange={(event) => setUserPrompt(event.target.value)}
            />
          </Field>
          <div className="inline-form">
            <FrameworkSelect id="context-framework" value={framework} onChange={setFramework} testId="context-framework" />
            <button type="submit" className="button primary" disabled={!upload || running} data-testid="context-run">
              {running ? 'Generating…' : 'Run'}
            </button>
          </div>
        </form>
      </section>

      <div aria-live="polite">
        {running && <p className="loading">Generating…</p>}
        {result && (
          <section className="card" data-testid="context-result" aria-labelledby="context-result-title">
            <h2 id="context-result-title">Answer</h2>
            <Metrics
              items={[
                { label: 'File processing', value: formatMs(result.file_processing_time_ms), testId: 'context-file-ms' },
                { label: 'LLM time', value: formatMs(result.llm_execution_time_ms), testId: 'context-llm-ms' },
                { label: 'Total time', value: formatMs(result.total_execution_time_ms), testId: 'context-total-ms' },
                { label: 'Tokens', value: formatTokens(result), testId: 'context-tokens' },
                { label: 'Cost', value: formatUsd(result.estimated_cost_usd), testId: 'context-cost' },
                { label: 'Model', value: formatModel(result) },
              ]}
            />
            <div className="story-text" data-testid="context-response">
              {result.response}
            </div>
          </section>
        )}
      </div>
    </div>
  );
}
