import { escapeControl } from "../util/control-characters.js";
const htmlEntities: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => htmlEntities[char] ?? char);
}

const scriptJsonEscapes: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/**
 * JSON that is safe inside a `<script>` element: `<`, `>`, `&` and the JS line separators are
 * written as \u escapes, so no string value can close the element (`</script>`) or open a comment.
 * `JSON.parse` reads it back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => scriptJsonEscapes[char] ?? char);
}

/**
 * Escapes text for a Markdown table cell or paragraph: HTML-significant characters become entities
 * (Markdown renderers pass raw HTML through), pipes and backslashes are escaped, newlines become spaces.
 */
export function escapeMarkdown(text: string): string {
  return escapeControl(text)
    .replace(/[&<>]/g, (char) => htmlEntities[char] ?? char)
    .replace(/([\\|])/g, "\\$1")
    .replace(/\r?\n/g, " ");
}
