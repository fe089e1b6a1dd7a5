/**
 * The API key of this browser tab, and its role as the server last told it (`GET /v1/whoami`). They live
 * in sessionStorage only: gone when the tab closes, never written to localStorage or a cookie; the key is
 * sent only as `Authorization: Bearer` to our origin. The role only picks the first page to show (a
 * labeler's queue, everyone else's services) — the server checks every request itself.
 */
import type { Role } from '../api/types.ts';

const KEY = 'mlslo.apiKey';
const ROLE = 'mlslo.role';
const ROLES: readonly Role[] = ['ingest', 'read', 'admin', 'labeler'];

export function getKey(): string | null {
  try {
    return window.sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setKey(key: string, role?: Role): void {
  window.sessionStorage.setItem(KEY, key);
  if (role === undefined) window.sessionStorage.removeItem(ROLE);
  else window.sessionStorage.setItem(ROLE, role);
}

export function getRole(): Role | null {
  try {
    const r = window.sessionStorage.getItem(ROLE);
    return ROLES.find((x) => x === r) ?? null;
  } catch {
    return null;
  }
}

export function setRole(role: Role): void {
  try {
    window.sessionStorage.setItem(ROLE, role);
  } catch {
    // Storage disabled: the role is asked for again on the next load.
  }
}

export function clearKey(): void {
  try {
    window.sessionStorage.removeItem(KEY);
    window.sessionStorage.removeItem(ROLE);
  } catch {
    // Storage disabled: nothing was kept.
  }
}
