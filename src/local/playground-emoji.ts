/**
 * The emoji font the playground ships (Noto Emoji, SIL OFL, from @fontsource/noto-emoji), so that ✅ and ❌ render on
 * a machine without an emoji font of its own instead of as empty boxes. It is the monochrome Noto: the colour one is
 * COLRv1 only, which Debian's Chromium draws as nothing at all. The package's stylesheet splits the font by
 * unicode-range, so a browser downloads only the parts that hold the emoji on the page.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Where the page loads the stylesheet from. */
export const EMOJI_CSS_PATH = "/playground/emoji.css";
const FONT_PATH = "/playground/fonts/";

/** The stylesheet (pointing at our own routes, woff2 only) and each font file it names, by path. */
export function emojiFont(): { css: string; files: Map<string, () => Buffer> } {
  const stylesheet = fileURLToPath(import.meta.resolve("@fontsource/noto-emoji/index.css"));
  const source = readFileSync(stylesheet, "utf8");
  const files = new Map<string, () => Buffer>();
  // Every browser the playground supports reads woff2; the woff fallbacks would only double the routes.
  const css = source.replace(/src: url\(\.\/files\/([\w.-]+\.woff2)\) format\('woff2'\)[^;]*;/g, (_whole, file: string) => {
    const path = `${FONT_PATH}${file}`;
    let cached: Buffer | undefined;
    files.set(path, () => (cached ??= readFileSync(fileURLToPath(import.meta.resolve(`@fontsource/noto-emoji/files/${file}`)))));
    return `src: url(${path}) format('woff2');`;
  });
  return { css, files };
}
