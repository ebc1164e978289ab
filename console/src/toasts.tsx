// Notices at the corner of the page: errors (with the server's request id) stay until
// dismissed; successes go after a few seconds.
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError } from './api';

export type ToastKind = 'error' | 'success' | 'info';

export interface Toast {
  id: number;
  kind: ToastKind;
  title?: string;
  message: string;
  /** The server's error code and HTTP status, e.g. "VALIDATION_ERROR (422)". */
  code?: string;
  requestId?: string;
}

interface ToastApi {
  push: (toast: Omit<Toast, 'id'>) => void;
  success: (message: string) => void;
  error: (error: unknown, title?: string) => void;
}

const ToastContext = createContext<ToastApi | null>(null);

const SUCCESS_MS = 6000;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((toast) => toast.id !== id)), []);

  const push = useCallback(
    (toast: Omit<Toast, 'id'>) => {
      const id = next.current++;
      // The same notice again (a retry, two panels failing alike) replaces the old one.
      const same = (other: Toast) =>
        other.kind === toast.kind && other.title === toast.title && other.message === toast.message && other.code === toast.code;
      setToasts((list) => [...list.filter((other) => !same(other)).slice(-4), { ...toast, id }]);
      if (toast.kind !== 'error') window.setTimeout(() => dismiss(id), SUCCESS_MS);
    },
    [dismiss],
  );

  const api = useMemo<ToastApi>(
    () => ({
      push,
      success: (message) => push({ kind: 'success', message }),
      error: (error, title) => {
        if (error instanceof DOMException && error.name === 'AbortError') return;
        if (error instanceof ApiError) {
          push({
            kind: 'error',
            title,
            message: error.message,
            code: error.status ? `${error.code} (${error.status})` : error.code,
            requestId: error.requestId || undefined,
          });
        } else {
          push({ kind: 'error', title, message: error instanceof Error ? error.message : String(error) });
        }
      },
    }),
    [push],
  );

  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" aria-live="polite" data-testid="toasts">
        {toasts.map((toast) => (
          <div
            key={toast.id}
            className={`toast toast-${toast.kind}`}
            role={toast.kind === 'error' ? 'alert' : 'status'}
            data-testid={`toast-${toast.kind}`}
          >
            <div className="toast-body">
              {toast.title && <strong className="toast-title">{toast.title}</strong>}
              <span className="toast-message">{toast.message}</span>
              {toast.code && (
                <span className="toast-meta" data-testid="toast-code">
                  {toast.code}
                </span>
              )}
              {toast.requestId && (
                <span className="toast-meta" data-testid="toast-request-id">
                  Request id: <code>{toast.requestId}</code>
                </span>
              )}
            </div>
            <button type="button" className="toast-close" aria-label="Dismiss notice" onClick={() => dismiss(toast.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToasts(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToasts outside ToastProvider');
  return api;
}
