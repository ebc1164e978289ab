// The API key and the admin token live in sessionStorage only: they last as long as the
// tab, never reach localStorage or a cookie, and "Forget" removes them at once.
import { useSyncExternalStore } from 'react';

export type CredentialName = 'apiKey' | 'adminToken';

const storageKeys: Record<CredentialName, string> = {
  apiKey: 'switchboard.console.apiKey',
  adminToken: 'switchboard.console.adminToken',
};

const listeners = new Set<() => void>();

function read(name: CredentialName): string {
  try {
    return window.sessionStorage.getItem(storageKeys[name]) ?? '';
  } catch {
    return ''; // storage disabled: behave as if nothing was entered
  }
}

export function getCredential(name: CredentialName): string {
  return read(name);
}

export function setCredential(name: CredentialName, value: string): void {
  const trimmed = value.trim();
  try {
    if (trimmed) window.sessionStorage.setItem(storageKeys[name], trimmed);
    else window.sessionStorage.removeItem(storageKeys[name]);
  } catch {
    // nothing to do: the value simply is not kept
  }
  listeners.forEach((listener) => listener());
}

export function forgetCredential(name: CredentialName): void {
  setCredential(name, '');
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useCredential(name: CredentialName): string {
  return useSyncExternalStore(
    subscribe,
    () => read(name),
    () => '',
  );
}
