// Hash routes: #/stories, #/chat, #/chat/<conversation_id>, #/context, #/costs, #/operations.
import { useEffect, useSyncExternalStore } from 'react';

export const PAGES = [
  { id: 'stories', label: 'Stories' },
  { id: 'chat', label: 'Chat' },
  { id: 'context', label: 'Context' },
  { id: 'costs', label: 'Costs' },
  { id: 'operations', label: 'Operations' },
] as const;

export type PageId = (typeof PAGES)[number]['id'];

export interface Route {
  page: PageId;
  param: string;
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

export function parseHash(hash: string): Route | null {
  const parts = hash.replace(/^#\/?/, '').split('/');
  const page = PAGES.find((candidate) => candidate.id === parts[0]);
  if (!page) return null;
  return { page: page.id, param: decodeURIComponent(parts.slice(1).join('/')) };
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash, () => '');
  const route = parseHash(hash);
  useEffect(() => {
    if (!route) window.location.replace('#/stories');
  }, [route]);
  return route ?? { page: 'stories', param: '' };
}

export function navigate(hash: string): void {
  if (window.location.hash !== hash) window.location.hash = hash;
}
