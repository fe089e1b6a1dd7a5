/**
 * 53-bit hash of (service, id) for the plain INTEGER lookup indexes. A UNIQUE index on random text ids
 * makes batched inserts far slower as the table grows (long keys, string compares, poor fan-out); an
 * 8-byte integer keeps the index small. Collisions are harmless: every lookup also compares service and
 * id. cyrb53 (public domain, bryc/code) — two 32-bit multiplicative lanes, well mixed, no allocation.
 */
export function refHash(service: string, id: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < service.length; i++) {
    const ch = service.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  // The NUL separator keeps ("ab","c") and ("a","bc") apart.
  h1 = Math.imul(h1, 2654435761);
  h2 = Math.imul(h2, 1597334677);
  for (let i = 0; i < id.length; i++) {
    const ch = id.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
