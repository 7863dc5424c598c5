/**
 * Whether a cell's text can overflow its column, decided without laying the cell out. A clipping cell (`overflow:
 * hidden` for its ellipsis) gives the browser a clip to build, paint and composite in every frame; on a 4× throttled
 * CPU the table's fast scroll spent about a fifth of its main-thread time on them (BENCHMARKS.md). So a cell clips only
 * when its text might not fit: the text's width is bounded from above by the font's own advances (measured once with
 * a canvas, not per cell), and compared with the column's content width read from the header (when the columns or the
 * table's size change, never while scrolling). Unknown text or an unknown font always clips, which is only slower.
 */
export class TextFit {
  /** Advance of each printable ASCII character, in px (letter spacing included). */
  readonly #ascii: Float32Array;
  /** An upper bound for any other UTF-16 unit (CJK, emoji, other scripts), in px. */
  readonly #wide: number;
  /** Content width of each column, in px (inside the padding). */
  readonly #widths: readonly number[];

  private constructor(ascii: Float32Array, wide: number, widths: readonly number[]) {
    this.#ascii = ascii;
    this.#wide = wide;
    this.#widths = widths;
  }

  /**
   * The measures for the font of `cell` (a body cell) and the columns' content widths. Undefined when the font cannot
   * be measured or is transformed (`text-transform`, small caps): every cell then clips.
   */
  static measure(cell: HTMLElement, widths: readonly number[]): TextFit | undefined {
    const style = getComputedStyle(cell);
    if (style.textTransform !== 'none' || style.fontVariantCaps !== 'normal') return undefined;
    const context = document.createElement('canvas').getContext('2d');
    if (!context) return undefined;
    context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const spacing = Math.max(0, parseFloat(style.letterSpacing) || 0);
    const ascii = new Float32Array(95);
    for (let code = 32; code < 127; code++) ascii[code - 32] = context.measureText(String.fromCharCode(code)).width + spacing;
    // Number columns use tabular figures: every digit as wide as the widest.
    const digit = Math.max(...ascii.subarray(16, 26));
    ascii.fill(digit, 16, 26);
    // Wide glyphs: an ideograph, a full-width form, an emoji (two UTF-16 units, so each unit is given the whole width).
    const wide = Math.max(...['国', 'Ｗ', '😀', 'Ж', 'ம', 'W'].map((glyph) => context.measureText(glyph).width)) + spacing;
    if (!(wide > 0) || !ascii.every((w) => w >= 0 && Number.isFinite(w))) return undefined;
    return new TextFit(ascii, wide, widths);
  }

  /** The same font, other column widths. */
  withWidths(widths: readonly number[]): TextFit {
    return new TextFit(this.#ascii, this.#wide, widths);
  }

  /** Whether `text` certainly fits column `col` (with a pixel to spare for rounding). */
  fits(col: number, text: string): boolean {
    const room = (this.#widths[col] ?? 0) - 1;
    let used = 0;
    for (let i = 0; i < text.length && used <= room; i++) {
      const code = text.charCodeAt(i);
      used += code >= 32 && code < 127 ? this.#ascii[code - 32]! : this.#wide;
    }
    return used <= room;
  }
}
