import type { Command } from "commander";
import { Deployment } from "../serve/deployment.js";
import { createServer } from "../serve/create-server.js";
import { replayKnowledgeBase } from "../serve/knowledge-base-replay.js";
import { loadRunPredictor } from "../serve/run-predictor.js";
import { openTracker } from "../tracker/index.js";
import { InputError } from "../util/errors.js";
import { integerFlag } from "./dataset-flags.js";
import { action, printLine, printStatus } from "./output.js";

interface ServeFlags {
  host: string;
  port: string;
  token?: string;
  bodyLimit: string;
  maxBatch: string;
  remember: string;
  experiment?: string;
  replay: boolean;
  store?: string;
  json?: boolean;
}

const loopback = new Set(["127.0.0.1", "::1", "localhost"]);

/** `expbook serve RUN`: serves a finetune, rag or tfidf-logreg run over HTTP, recording a deployment run. */
export function register(program: Command): void {
  program
    .command("serve")
    .description(
      "serve a finished finetune, rag or tfidf-logreg run over HTTP; record predictions and feedback as a deployment run",
    )
    .argument("<run>", "run id or a unique prefix of one (a finished finetune, rag or tfidf-logreg run)")
    .option("--host <host>", "address to bind (any but loopback needs --token)", "127.0.0.1")
    .option("--port <n>", "port to listen on (0: any free port)", "8080")
    .option("--token <t>", "bearer token every route but /healthz requires")
    .option("--body-limit <bytes>", "largest request body (larger: 413)", "262144")
    .option("--max-batch <n>", "most inputs or documents per request", "256")
    .option("--remember <n>", "recent predictions that can still receive feedback", "100000")
    .option("--experiment <name>", "experiment to log the deployment run under (default: deployments)")
    .option(
      "--no-replay",
      "rag runs: start from the run's own knowledge base, not replaying earlier deployments' /documents changes",
    )
    .option(
      "--store <uri>",
      "run store: a folder, file: or postgres:// URI (default: $EXPBOOK_STORE, else <project root>/.expbook)",
    )
    .option("--json", "print { url, run, deployment } as one JSON line once listening")
    .action(
      action(async (id: string, flags: ServeFlags) => {
        const port = integerFlag("port", flags.port);
        if (port < 0 || port > 65_535) throw new InputError(`--port ${port} is out of range; give 0..65535`);
        if (!loopback.has(flags.host) && !flags.token) {
          throw new InputError(
            `--host ${flags.host} is reachable from other machines; add --token T (clients send Authorization: Bearer T)`,
          );
        }
        if (flags.token !== undefined && flags.token.length < 8) {
          throw new InputError("--token is shorter than 8 characters; give a longer secret");
        }
        const bodyLimit = integerFlag("body-limit", flags.bodyLimit);
        const maxBatch = integerFlag("max-batch", flags.maxBatch);
        const remember = integerFlag("remember", flags.remember);
        for (const [name, value] of [
          ["body-limit", bodyLimit],
          ["max-batch", maxBatch],
          ["remember", remember],
        ] as const) {
          if (value < 1) throw new InputError(`--${name} must be at least 1`);
        }
        const tracker = await openTracker({ store: flags.store });
        const predictor = await loadRunPredictor(tracker, id);
        const replayed =
          predictor.knowledgeBase && flags.replay
            ? await replayKnowledgeBase(tracker, predictor.runId, predictor.knowledgeBase)
            : undefined;
        if (replayed && replayed.changes > 0) {
          printStatus(
            `expbook serve: replayed ${replayed.changes} knowledge-base changes from ${replayed.deployments.length} earlier deployments (${replayed.size} documents)`,
          );
        }
        const deployment = await Deployment.start(tracker, predictor, {
          host: flags.host,
          port,
          bodyLimit,
          maxBatch,
          rememberRequests: remember,
          ...(replayed ? { replayed } : {}),
          ...(flags.experiment ? { experiment: flags.experiment } : {}),
        });
        const app = createServer({
          predictor,
          deployment,
          bodyLimit,
          maxBatch,
          ...(flags.token !== undefined ? { token: flags.token } : {}),
        });
        let stopping: Promise<void> | undefined;
        const stop = (signal: string) => {
          stopping ??= (async () => {
            printStatus(`expbook serve: ${signal}: draining requests in flight, then exiting`);
            await app.close();
            await deployment.close();
            predictor.dispose();
          })();
          return stopping;
        };
        const onSignal = (signal: NodeJS.Signals) => {
          void stop(signal).then(
            () => process.exit(0),
            (error: unknown) => {
              process.stderr.write(
                `expbook serve: ${error instanceof Error ? error.message : String(error)}\n`,
              );
              process.exit(1);
            },
          );
        };
        process.on("SIGTERM", onSignal);
        process.on("SIGINT", onSignal);
        let address: string;
        try {
          address = await app.listen({ host: flags.host, port });
        } catch (error) {
          await stop("listen failed");
          throw new InputError(
            `cannot listen on ${flags.host}:${port} (${(error as Error).message}); pick another --host or --port`,
          );
        }
        deployment.run.summary({ url: address });
        const info = {
          url: address,
          run: predictor.runId,
          kind: predictor.kind,
          deployment: deployment.run.id,
        };
        if (flags.json) printLine(JSON.stringify(info));
        else
          printLine(
            `serving ${predictor.kind} run ${predictor.runId} at ${address} (deployment ${deployment.run.id})`,
          );
        printStatus(`expbook serve: POST ${address}/predict {"text": ...}; stop with Ctrl-C or SIGTERM`);
      }),
    );
}
