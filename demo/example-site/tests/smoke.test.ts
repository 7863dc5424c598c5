import { expect, it } from 'vitest';
import { as, visitor } from '../../../platform/testing/index.ts';

it('lists books as a visitor', async () => {
  expect(await as(visitor()).call('backend/books.web', 'listBooks')).toHaveLength(2);
});
