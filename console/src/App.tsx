import { useEffect, useRef } from 'react';
import { CredentialForm } from './components/Credentials';
import { ChatPage } from './pages/ChatPage';
import { ContextPage } from './pages/ContextPage';
import { CostsPage } from './pages/CostsPage';
import { OperationsPage } from './pages/OperationsPage';
import { StoriesPage } from './pages/StoriesPage';
import { PAGES, useRoute } from './route';
import { useCredential } from './credentials';

export function App() {
  const route = useRoute();
  const apiKey = useCredential('apiKey');
  const adminToken = useCredential('adminToken');
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  const label = PAGES.find((page) => page.id === route.page)?.label ?? '';
  useEffect(() => {
    document.title = `${label} · Switchboard`;
    // Moving to another page moves the focus to it, as a page load would.
    if (firstRender.current) firstRender.current = false;
    else mainRef.current?.focus({ preventScroll: false });
  }, [label]);

  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={(event) => { event.preventDefault(); mainRef.current?.focus(); }}>
        Skip to content
      </a>
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">◆</span> Switchboard
        </div>
        <nav aria-label="Pages" className="nav">
          <ul>
            {PAGES.map((page) => (
              <li key={page.id}>
                <a
                  href={`#/${page.id}`}
                  className="nav-link"
                  data-testid={`nav-${page.id}`}
                  aria-current={route.page === page.id ? 'page' : undefined}
                >
                  {page.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <details
          className="settings"
          data-testid="settings"
          onKeyDown={(event) => {
            if (event.key === 'Escape' && event.currentTarget.open) {
              event.currentTarget.open = false;
              event.currentTarget.querySelector('summary')?.focus();
            }
          }}
        >
          <summary data-testid="settings-toggle">
            Credentials
            <span className="settings-badges">
              {apiKey && <span className="badge">API key</span>}
              {adminToken && <span className="badge">admin</span>}
            </span>
          </summary>
          <div className="settings-panel">
            <CredentialForm
              name="apiKey"
              label="API key"
              testId="api-key"
              hint="Sent as Authorization: Bearer on /api and /v1 calls. On loopback the server usually needs none."
            />
            <CredentialForm
              name="adminToken"
              label="Admin token"
              testId="settings-admin-token"
              hint="Sent on /admin and /internal calls; the server writes it to admin.token in its data folder."
            />
          </div>
        </details>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className="main" aria-label={label}>
        {route.page === 'stories' && <StoriesPage />}
        {route.page === 'chat' && <ChatPage conversationId={route.param} />}
        {route.page === 'context' && <ContextPage />}
        {route.page === 'costs' && <CostsPage />}
        {route.page === 'operations' && <OperationsPage />}
      </main>
    </div>
  );
}
