import { createHash } from 'node:crypto';
import { defineConfig, type Plugin } from 'vite';

/**
 * Subresource Integrity for the built page: each script and stylesheet tag
 * gets the SHA-384 of the file it loads, so a file changed on disk or on the
 * way is refused by the browser. Run after Vite has written the final tags.
 */
function subresourceIntegrity(): Plugin {
  return {
    name: 'opencashier-sri',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const html = bundle['index.html'];
      if (!html || html.type !== 'asset') return;
      const digestOf = (file: string): string | undefined => {
        const item = bundle[file.replace(/^\/portal\//, '')];
        if (!item) return undefined;
        const content = item.type === 'chunk' ? item.code : item.source;
        return `sha384-${createHash('sha384').update(content).digest('base64')}`;
      };
      html.source = String(html.source).replace(/<(script|link)\b([^>]*?)\s(src|href)="([^"]+)"([^>]*)>/g, (tag, name: string, before: string, attr: string, url: string, after: string) => {
        const integrity = digestOf(url);
        if (!integrity || /integrity=/.test(tag)) return tag;
        return `<${name}${before} ${attr}="${url}" integrity="${integrity}"${/crossorigin/.test(tag) ? '' : ' crossorigin="anonymous"'}${after}>`;
      });
    },
  };
}

export default defineConfig({
  base: '/portal/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // One script and one stylesheet: nothing inline, so the CSP needs no 'unsafe-inline'.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  plugins: [subresourceIntegrity()],
});
