/**
 * Only allows same-site paths for `redirectTo`: "/x" yes; "//evil.example", "/\evil",
 * "https://…" no. Browsers treat a backslash like "/" and drop tabs and newlines inside URLs,
 * so "/\evil" and "/<tab>/evil" would otherwise leave the site.
 *
 * @example
 * safeRedirect("/?hours=6"); // "/?hours=6"
 * safeRedirect("//evil.example"); // "/"
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//")) return fallback;
  for (let i = 0; i < to.length; i++) {
    const c = to.charCodeAt(i);
    if (c === 0x5c /* \ */ || c < 0x20 || c === 0x7f) return fallback;
  }
  return to;
}
