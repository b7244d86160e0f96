/** Chooses the store: PostgreSQL when a URL is configured (replicas share it), else the SQLite file. */
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import { withAuditLogging } from "./audit-logging.ts";
import { openSqliteStore, type Stores } from "./sqlite-store.ts";

/** Opens and migrates the configured store; with a logger, every audit record it appends is also a log line. */
export async function openStore(config: Pick<Config, "secrets" | "storage">, logger?: Logger): Promise<Stores> {
  const stores = await openBackend(config, logger);
  return logger ? { ...stores, audit: withAuditLogging(stores.audit, logger) } : stores;
}

async function openBackend(config: Pick<Config, "secrets" | "storage">, logger: Logger | undefined): Promise<Stores> {
  const url = config.secrets.postgresUrl;
  if (url === undefined) return openSqliteStore(config.storage.sqlitePath);
  // Loaded only for PostgreSQL: pg costs a SQLite bot some 10 MB and 25 ms at start for nothing.
  const { openPostgresStore } = await import("./postgres-store.ts");
  return openPostgresStore(url.reveal(), {
    // Only the message: a connection error never carries the URL, and the pool replaces the connection.
    onIdleError: (error) => logger?.warn("An idle PostgreSQL connection failed; it will be replaced.", { reason: error.message }),
    instanceEvents: {
      onRetaken: (instance) => logger?.info("PostgreSQL is back: this process holds its instance name again.", { instance }),
      onTakenByOther: (instance) =>
        logger?.error("While PostgreSQL was away another process took this instance name: two replicas share it, and each may release what the other runs. Give each replica its own VNETBOT_INSTANCE_ID.", { instance }),
    },
    onClockSkew: (offsetMs) =>
      logger?.warn(`This host's clock is ${(Math.abs(offsetMs) / 1000).toFixed(1)} s ${offsetMs < 0 ? "ahead of" : "behind"} the database's: vnetbot corrects its leases and claims by that, so replicas still agree. Fix the host's time synchronisation (NTP).`, { offsetMs: Math.round(offsetMs) }),
  });
}
