import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileFor, serveStatic } from '../../lib/cli/static-server';
import { renderMarkdown, renderSource } from '../../scripts/site-pages';

describe('the playground\'s static server', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'unrolled-static-'));
  fs.writeFileSync(path.join(root, 'index.html'), '<p>home</p>');
  fs.mkdirSync(path.join(root, 'sub'));
  fs.writeFileSync(path.join(root, 'sub', 'a.js'), 'x = 1;');
  fs.writeFileSync(path.join(os.tmpdir(), 'unrolled-secret.txt'), 'secret');

  test('a path resolves to a file under the root, never outside it', () => {
    expect(fileFor(root, '/')).toBe(path.join(root, 'index.html'));
    expect(fileFor(root, '/sub/a.js?v=1')).toBe(path.join(root, 'sub', 'a.js'));
    expect(fileFor(root, '/../unrolled-secret.txt')).toBeNull();
    expect(fileFor(root, '/%2e%2e/unrolled-secret.txt')).toBeNull();
    expect(fileFor(root, '/sub')).toBeNull(); // a folder is not a file
    expect(fileFor(root, '/%E0%A4%A')).toBeNull(); // not a valid escape
  });

  test('it serves on 127.0.0.1, with content types, 404 for the rest and 405 for writes', async () => {
    const server = await serveStatic(root);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const home = await fetch(server.url);
      expect([home.status, home.headers.get('content-type'), await home.text()]).toEqual([200, 'text/html; charset=utf-8', '<p>home</p>']);
      const js = await fetch(`${server.url}sub/a.js`);
      expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect((await fetch(`${server.url}missing.html`)).status).toBe(404);
      expect((await fetch(server.url, { method: 'POST', body: 'x' })).status).toBe(405);
    } finally {
      await server.close();
    }
  });
});

describe('the playground\'s reading pages', () => {
  test('a source file gets one anchored line per line, escaped', () => {
    const html = renderSource('lib/x.ts', 'const a = 1 < 2;\nreturn a;\n');
    expect(html).toContain('<span id="L1">1  const a = 1 &lt; 2;</span>');
    expect(html).toContain('<span id="L2">2  return a;</span>');
    expect(html).not.toContain('id="L3"');
    expect(html).toContain('href="../../style.css"');
  });

  test('a docs page: headings, code, lists, links to pages the site has (others as text)', () => {
    const md = '# Title\n\nSee [the book](textbook.md#x) and [data](data.md), `a<b`.\n\n- one\n- two\n\n```ts\nx < y\n```\n';
    const html = renderMarkdown('page.md', md, new Set(['textbook.md']));
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<a href="textbook.md.html#x">the book</a> and data, <code>a&lt;b</code>.');
    expect(html).toContain('<ul><li>one</li><li>two</li></ul>');
    expect(html).toContain('<pre>x &lt; y</pre>');
    const indented = renderMarkdown('p.md', 'Sums:\n\n    dW += a\n\n    db += b\n\nAfter.\n', new Set());
    expect(indented).toContain('<pre>dW += a\n\ndb += b</pre>\n<p>After.</p>');
  });
});
