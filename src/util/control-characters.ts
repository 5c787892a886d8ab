/**
 * Escapes control characters (C0 other than newline and tab, DEL, C1; ESC among them) as `\uXXXX`, so text
 * from files and runs cannot move a terminal's cursor, retitle or clear it, or hide bytes in a Markdown
 * report. `oneLine` escapes newlines too.
 */
export function escapeControl(text: string, oneLine = false): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  const pattern = oneLine ? /[\u0000-\u001f\u007f-\u009f]/g : /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
  return text.replace(pattern, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
