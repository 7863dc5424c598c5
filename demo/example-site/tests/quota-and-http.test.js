// A quota error path (Wix Data's per-minute reads, WDE0014) and the site's HTTP functions, CORS preflight included.
import { afterEach, describe, expect, it } from 'vitest';
import { as, site, visitor } from '../../../platform/testing/index.ts';

describe('Wix Data quotas', () => {
  afterEach(() => site().platform.dataQuotas.configure({}));

  it('past the reads-per-minute quota, wix-data rejects with WDE0014 and the web method fails', async () => {
    site().platform.dataQuotas.configure({ readsPerMinute: 2 });
    const reader = as(visitor());
    await reader.data.query('Books').find();
    await reader.data.query('Books').find();
    await expect(reader.data.query('Books').find()).rejects.toMatchObject({ code: 'WDE0014' });
    const failure = await reader.call('books.web', 'listBooks').catch((error) => error);
    expect(failure.status).toBe(500);
    expect(JSON.stringify(failure.body)).toMatch(/WDE0014|quota|too many/i);
  });

  it('the quota window is a minute on the platform clock', async () => {
    site().platform.dataQuotas.configure({ readsPerMinute: 1 });
    await as(visitor()).data.query('Books').find();
    await expect(as(visitor()).data.query('Books').find()).rejects.toMatchObject({ code: 'WDE0014' });
    site().platform.advanceClock(61_000);
    await expect(as(visitor()).data.query('Books').find()).resolves.toBeTruthy();
  });
});

describe('HTTP functions', () => {
  it("the CORS preflight of /_functions/books is answered by the site's own options_books", async () => {
    const preflight = await as(visitor()).http('/_functions/books', {
      method: 'OPTIONS',
      headers: { Origin: 'https://partner.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-partner-token' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://partner.example');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('X-Partner-Token');
  });

  it('get_books answers 200 with JSON, post_books 201, and the same on _functions-dev', async () => {
    const list = await site().fetch('/_functions-dev/books');
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toBe('application/json');
    expect((await list.json()).items).toHaveLength(2);
    const made = await site().fetch('/_functions/books', {
      method: 'POST',
      headers: { 'x-partner-token': 'partner-token-1' },
      body: JSON.stringify({ title: 'Lilith’s Brood' }),
    });
    expect(made.status).toBe(201);
    site().reset();
  });
});
