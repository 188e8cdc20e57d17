import { describe, expect, it } from 'vitest';
import { attr, escapeHtml, html, raw } from './html.js';

describe('html', () => {
  it('escapes every interpolation by default', () => {
    const name = `<script>alert("x")</script>' & \``;
    expect(html`<p title="${name}">${name}</p>`.toString()).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &amp; &#96;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; &amp; &#96;</p>',
    );
  });

  it('nests fragments without double-escaping and joins arrays', () => {
    const items = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}</ul>`.toString()).toBe('<ul><li>a&lt;b</li><li>c</li></ul>');
  });

  it('renders nothing for null, undefined and booleans', () => {
    expect(html`${null}${undefined}${false}${true}|${0}`.toString()).toBe('|0');
  });

  it('lets raw() through unchanged', () => {
    expect(html`${raw('<br>')}`.toString()).toBe('<br>');
  });

  it('builds attributes', () => {
    expect(attr('required', true).toString()).toBe(' required');
    expect(attr('value', undefined).toString()).toBe('');
    expect(attr('value', false).toString()).toBe('');
    expect(attr('value', '"x"').toString()).toBe(' value="&quot;x&quot;"');
  });

  it('escapeHtml leaves safe text alone', () => {
    expect(escapeHtml('Zhang San 张三')).toBe('Zhang San 张三');
  });
});
