/** "The Left Hand of Darkness" → "the-left-hand-of-darkness" */
export function slugify(title) {
  return String(title)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
