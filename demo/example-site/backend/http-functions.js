// The example site's HTTP functions (backend/http-functions.js), at /_functions/<name> and /_functions-dev/<name>.
import { badRequest, created, forbidden, notFound, ok, response, serverError } from 'wix-http-functions';
import wixData from 'wix-data';

const ALLOWED_ORIGIN = 'https://partner.example';
const cors = { 'Access-Control-Allow-Origin': ALLOWED_ORIGIN };

/** GET /_functions/books → the published books, for the partner site. */
export async function get_books() {
  const result = await wixData.query('Books').ascending('title').find();
  return ok({ headers: { ...cors, 'Content-Type': 'application/json' }, body: { items: result.items.map((b) => ({ title: b.title, slug: b.slug })) } });
}

/** GET /_functions/book/<slug> → one book, or 404. */
export async function get_book(request) {
  const [slug] = request.path;
  const result = await wixData
    .query('Books')
    .eq('slug', slug ?? '')
    .find();
  if (result.items.length === 0) return notFound({ body: { message: `No book ${slug}` } });
  return ok({ body: result.items[0] });
}

/** POST /_functions/books with a shared token → created, or badRequest / forbidden. */
export async function post_books(request) {
  if (request.headers['x-partner-token'] !== 'partner-token-1') return forbidden({ body: { message: 'Unknown partner.' } });
  let body;
  try {
    body = await request.body.json();
  } catch {
    return badRequest({ body: { message: 'The body is not JSON.' } });
  }
  if (!body || typeof body.title !== 'string') return badRequest({ body: { message: 'title is required.' } });
  const book = await wixData.insert('Books', { title: body.title }, { suppressAuth: true });
  return created({ headers: cors, body: { _id: book._id, slug: book.slug } });
}

/** PUT /_functions/book/<id> with the partner token and { title } → ok() with the renamed book. */
export async function put_book(request) {
  if (request.headers['x-partner-token'] !== 'partner-token-1') return forbidden({ body: { message: 'Unknown partner.' } });
  const [id] = request.path;
  const book = await wixData.get('Books', id ?? '', { suppressAuth: true });
  if (!book) return notFound({ body: { message: `No book ${id}` } });
  const { title } = await request.body.json();
  const saved = await wixData.update('Books', { ...book, title }, { suppressAuth: true });
  return ok({ body: { _id: saved._id, title: saved.title, slug: saved.slug } });
}

/** The CORS preflight of /_functions/books, answered by the site itself, as Wix routes it. */
export function options_books() {
  return response({
    status: 204,
    headers: {
      ...cors,
      'Access-Control-Allow-Methods': 'GET, POST',
      'Access-Control-Allow-Headers': 'Content-Type, X-Partner-Token',
      'Access-Control-Max-Age': '600',
    },
  });
}

/** DELETE is never allowed from outside. */
export function delete_books() {
  return forbidden({ body: { message: 'Books are removed in the dashboard.' } });
}

/** A function that fails: the partner sees a 500 with the site's own body. */
export function get_broken() {
  return serverError({ body: { message: 'Something broke.' } });
}
