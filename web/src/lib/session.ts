/**
 * The API key of this browser tab. It lives in sessionStorage only: it is gone when the tab closes, is
 * never written to localStorage or a cookie, and is sent only as `Authorization: Bearer` to our origin.
 */
const KEY = 'mlslo.apiKey';

export function getKey(): string | null {
  try {
    return window.sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setKey(key: string): void {
  window.sessionStorage.setItem(KEY, key);
}

export function clearKey(): void {
  try {
    window.sessionStorage.removeItem(KEY);
  } catch {
    // Storage disabled: nothing was kept.
  }
}
