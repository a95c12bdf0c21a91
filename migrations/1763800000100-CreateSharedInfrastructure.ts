import { MigrationInterface, QueryRunner } from 'typeorm';
import { prepareMigrationSession } from '../src/database/migration-helpers';

/**
 * What every repair migration shares: the `updated_at` trigger function (so raw SQL and QueryBuilder
 * updates keep updated_at true, not only `save()`), and the quarantine table where rows that violate
 * a new rule are kept with the reason instead of being dropped.
 */
export class CreateSharedInfrastructure1763800000100 implements MigrationInterface {
  name = 'CreateSharedInfrastructure1763800000100';

  async up(qr: QueryRunner): Promise<void> {
    await prepareMigrationSession(qr);
    await qr.query(`
      CREATE OR REPLACE FUNCTION lingua_set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.updated_at := now();
        RETURN NEW;
      END
      $$`);
    await qr.query(`
      CREATE TABLE IF NOT EXISTS quarantined_rows (
        id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_quarantined_rows PRIMARY KEY,
        source_table text NOT NULL,
        reason text NOT NULL,
        migration text NOT NULL,
        repaired_in_place boolean NOT NULL DEFAULT false,
        row_data jsonb NOT NULL,
        quarantined_at timestamptz NOT NULL DEFAULT now()
      )`);
    await qr.query(`CREATE INDEX IF NOT EXISTS ix_quarantined_rows_source_table ON quarantined_rows (source_table, migration)`);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.query(`DROP TABLE IF EXISTS quarantined_rows`);
    await qr.query(`DROP FUNCTION IF EXISTS lingua_set_updated_at()`);
  }
}
