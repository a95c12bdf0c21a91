import { MigrationInterface, QueryRunner } from 'typeorm';
import { prepareMigrationSession, run } from './lib/v1/session';

/**
 * What every repair migration shares: the `updated_at` trigger function (so raw SQL and QueryBuilder
 * updates keep updated_at true, not only `save()`), and the quarantine table where rows that violate
 * a new rule are kept with the reason instead of being dropped (unique per table, repair step and row id).
 */
export class CreateSharedInfrastructure1763800000100 implements MigrationInterface {
  name = 'CreateSharedInfrastructure1763800000100';

  async up(qr: QueryRunner): Promise<void> {
    await prepareMigrationSession(qr);
    await run(qr, `
      CREATE OR REPLACE FUNCTION lingua_set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.updated_at := now();
        RETURN NEW;
      END
      $$`);
    await run(qr, `
      CREATE TABLE IF NOT EXISTS quarantined_rows (
        id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_quarantined_rows PRIMARY KEY,
        source_table text NOT NULL,
        reason text NOT NULL,
        migration text NOT NULL,
        repaired_in_place boolean NOT NULL DEFAULT false,
        row_data jsonb NOT NULL,
        quarantined_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One record per row and repair step: a re-run after a kill can never quarantine a row twice
    // (a move that met its own earlier record would fail, nothing lost; an in-place record keeps the
    // first original). Also serves `down`'s look-ups by (source_table, migration).
    await run(qr, `CREATE UNIQUE INDEX IF NOT EXISTS uq_quarantined_rows_source_table_migration_row_id
      ON quarantined_rows (source_table, migration, (row_data->>'id'))`);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.query(`DROP TABLE IF EXISTS quarantined_rows`);
    await qr.query(`DROP FUNCTION IF EXISTS lingua_set_updated_at()`);
  }
}
