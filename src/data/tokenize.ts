/** Lower-case runs of [a-z0-9'] — the one tokeniser every text model and retriever in expbook uses. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
}
