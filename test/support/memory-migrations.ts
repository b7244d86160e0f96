/** Migration records in an in-memory SQLite store, for core tests that run changes without a bot. */
import { createMigrationRecords, type MigrationRecords } from "../../src/core/migration/migration-records.ts";
import type { Clock } from "../../src/core/ports.ts";
import { openSqliteStore } from "../../src/store/sqlite-store.ts";

export function memoryMigrations(clock: Clock): MigrationRecords {
  return createMigrationRecords(openSqliteStore(":memory:").alerts, clock);
}
