import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A throwaway PostgreSQL server for one test file. */
export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (trust auth, no password). */
  uri: string;
  port: number;
  /** Data directory (owned by the `postgres` user). */
  dataDir: string;
  /** A URI for a fresh database created on this server (one per test that needs a clean schema). */
  createDatabase(name: string): string;
  /** Stops the server at once (`-m immediate`), as a crash would; `start` brings it back on the same port. */
  kill(): void;
  /** Starts the server again after `kill`. */
  start(): void;
  /** Stops the server and deletes its data directory. */
  stop(): void;
}

const BIN_DIR = "/usr/lib/postgresql/15/bin";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Runs a PostgreSQL binary as the `postgres` user when we are root (initdb refuses to run as root). */
function asPostgres(binary: string, args: string[]): void {
  const path = join(BIN_DIR, binary);
  const asRoot = process.getuid?.() === 0;
  const command = asRoot ? "runuser" : path;
  const commandArgs = asRoot ? ["-u", "postgres", "--", path, ...args] : args;
  const result = spawnSync(command, commandArgs, { encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(
      `PostgreSQL test cluster: ${binary} ${args.join(" ")} failed (exit ${result.status}): ${result.stderr || result.stdout}`.trim(),
    );
  }
}

/**
 * Starts a throwaway PostgreSQL 15 cluster: `initdb` into a temp folder owned by `postgres`, trust auth,
 * a free loopback port, the socket in the temp folder. Throws with the reason when it cannot start:
 * tests that need PostgreSQL fail rather than skip.
 *
 * @example
 * const cluster = await startPostgresCluster();
 * after(() => cluster.stop());
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  if (!existsSync(join(BIN_DIR, "initdb"))) {
    throw new Error(
      `PostgreSQL test cluster: ${BIN_DIR}/initdb not found; install Debian's postgresql (bash scripts/setup.sh)`,
    );
  }
  const dataDir = mkdtempSync(join(tmpdir(), "expbook-pg-"));
  chmodSync(dataDir, 0o700);
  if (process.getuid?.() === 0) execFileSync("chown", ["postgres:postgres", dataDir]);
  const port = await freePort();
  asPostgres("initdb", ["-D", dataDir, "--auth=trust", "--username=postgres", "--no-sync", "-E", "UTF8"]);
  const start = (): void =>
    asPostgres("pg_ctl", [
      "-D",
      dataDir,
      "-w",
      "-l",
      join(dataDir, "server.log"),
      "-o",
      `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
      "start",
    ]);
  start();
  const uri = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let running = true;
  return {
    uri,
    port,
    dataDir,
    createDatabase(name) {
      asPostgres("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", name]);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    kill() {
      if (!running) return;
      asPostgres("pg_ctl", ["-D", dataDir, "-m", "immediate", "stop"]);
      running = false;
    },
    start() {
      if (running) return;
      start();
      running = true;
    },
    stop() {
      try {
        if (running) asPostgres("pg_ctl", ["-D", dataDir, "-m", "immediate", "stop"]);
      } finally {
        running = false;
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
