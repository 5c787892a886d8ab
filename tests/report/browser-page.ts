// Opens a page in headless Chromium and reads what a reader would see: console errors, dialogs,
// network requests, drawn plots, the page's text and a screenshot.
import type { CdpEvent, HeadlessChromium } from "./headless-chromium.js";

/** A page attached over DevTools, with every event it raised. */
export interface BrowserPage {
  sessionId: string;
  /** Events raised by this page's session, in order. */
  events(): CdpEvent[];
  /** Evaluates a JavaScript expression in the page and returns its JSON value. */
  evaluate<T>(expression: string): Promise<T>;
  /** A PNG screenshot of the whole page. */
  screenshot(): Promise<Buffer>;
}

/**
 * Opens `url` in a new tab with console, dialogs and network observed from before the first byte,
 * waits for the load event, then until `readyExpression` is true in the page.
 */
export async function openPage(
  browser: HeadlessChromium,
  url: string,
  readyExpression: string,
  options: { offline?: boolean } = {},
): Promise<BrowserPage> {
  const target = await browser.send("Target.createTarget", { url: "about:blank" });
  const attached = await browser.send("Target.attachToTarget", { targetId: target.targetId, flatten: true });
  const sessionId = String(attached.sessionId);
  const send = (method: string, params: Record<string, unknown> = {}) =>
    browser.send(method, params, sessionId);
  await send("Page.enable");
  await send("Runtime.enable");
  await send("Log.enable");
  await send("Network.enable");
  if (options.offline) {
    await send("Network.emulateNetworkConditions", {
      offline: true,
      latency: 0,
      downloadThroughput: 0,
      uploadThroughput: 0,
    });
  }
  await send("Emulation.setDeviceMetricsOverride", {
    width: 1200,
    height: 900,
    deviceScaleFactor: 1,
    mobile: false,
  });
  const loaded = browser.waitFor(
    (event) => event.sessionId === sessionId && event.method === "Page.loadEventFired",
  );
  await send("Page.navigate", { url });
  await loaded;
  const page: BrowserPage = {
    sessionId,
    events: () => browser.events.filter((event) => event.sessionId === sessionId),
    async evaluate<T>(expression: string): Promise<T> {
      const result = await send("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true });
      if (result.exceptionDetails) throw new Error(`page threw: ${JSON.stringify(result.exceptionDetails)}`);
      return (result.result as { value: T }).value;
    },
    async screenshot(): Promise<Buffer> {
      const shot = await send("Page.captureScreenshot", { format: "png", captureBeyondViewport: true });
      return Buffer.from(String(shot.data), "base64");
    },
  };
  for (let attempt = 0; attempt < 1200; attempt++) {
    if (await page.evaluate<boolean>(`Boolean(${readyExpression})`)) return page;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`page never became ready: ${readyExpression}`);
}

/** Console messages of level error, uncaught exceptions and log entries of level error. */
export function consoleErrors(events: readonly CdpEvent[]): string[] {
  const errors: string[] = [];
  for (const event of events) {
    if (event.method === "Runtime.consoleAPICalled" && event.params.type === "error") {
      errors.push(JSON.stringify(event.params.args));
    } else if (event.method === "Runtime.exceptionThrown") {
      errors.push(JSON.stringify(event.params.exceptionDetails));
    } else if (event.method === "Log.entryAdded") {
      const entry = event.params.entry as { level?: string; text?: string };
      if (entry.level === "error") errors.push(entry.text ?? "log error");
    }
  }
  return errors;
}

/** URLs the page requested, other than the page itself and inline data: URLs. */
export function networkRequests(events: readonly CdpEvent[], pageUrl: string): string[] {
  return events
    .filter((event) => event.method === "Network.requestWillBeSent")
    .map((event) => String((event.params.request as { url?: string }).url))
    .filter((url) => url !== pageUrl && !url.startsWith("data:") && !url.startsWith("blob:"));
}
