// HTML escaping of the server-rendered pages (src/server/html.ts): the five special characters, and a
// template that escapes every value unless it is markup the template itself built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { escapeHtml, html } from '../../src/server/html.ts';

test('escapeHtml replaces exactly & < > " \'', () => {
  assert.equal(escapeHtml(`<script>alert(1)</script>"'&`), '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
  assert.equal(escapeHtml('plain text, ü — 日本'), 'plain text, ü — 日本');
  assert.equal(escapeHtml('&amp;'), '&amp;amp;', 'text is text: an entity in data is shown, not interpreted');
  assert.equal(escapeHtml(''), '');
});

const unescape = (s: string): string => s.replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e]!);

test('escapeHtml: nothing special survives, and it is lossless (property)', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
    const e = escapeHtml(s);
    assert.doesNotMatch(e, /[<>"']/);
    assert.doesNotMatch(e, /&(?!(lt|gt|quot|#39|amp);)/);
    assert.equal(unescape(e), s);
  }), { numRuns: 500 });
});

test('html escapes every interpolated value, in text and in attributes', () => {
  const name = `x" onmouseover="alert(1)`;
  assert.equal(html`<p title="${name}">${'<b>hi</b>'}</p>`.value, '<p title="x&quot; onmouseover=&quot;alert(1)">&lt;b&gt;hi&lt;/b&gt;</p>');
  assert.equal(html`<i>${42}</i>${null}${undefined}${false}`.value, '<i>42</i>');
});

test('html nests without double escaping; arrays join; a plain string is never taken for markup', () => {
  const inner = html`<b>${'a&b'}</b>`;
  assert.equal(html`<p>${inner}</p>`.value, '<p><b>a&amp;b</b></p>');
  assert.equal(html`<ul>${['<1>', '2'].map((x) => html`<li>${x}</li>`)}</ul>`.value, '<ul><li>&lt;1&gt;</li><li>2</li></ul>');
  assert.equal(html`${inner.value}`.value, '&lt;b&gt;a&amp;amp;b&lt;/b&gt;', 'the string of markup is data again');
  // Something that merely looks like markup (same shape, different class) is escaped too.
  const fake = { value: '<script>alert(1)</script>', toString: () => '<script>alert(1)</script>' };
  assert.equal(html`${fake as unknown as string}`.value, '&lt;script&gt;alert(1)&lt;/script&gt;');
});
