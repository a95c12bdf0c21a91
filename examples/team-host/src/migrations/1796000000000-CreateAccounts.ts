import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The team's own table, generated with `migration:generate` under SnakeNamingStrategy (snake_case
 * columns, TypeORM's hashed constraint names). `lingua_user_id` links an account to lingua's users.id.
 */
export class CreateAccounts1796000000000 implements MigrationInterface {
  name = 'CreateAccounts1796000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "accounts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" character varying(200) NOT NULL, ` +
        `"roles" text array NOT NULL DEFAULT '{}', "lingua_user_id" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), ` +
        `CONSTRAINT "UQ_ee66de6cdc53993296d1ceb8aa0" UNIQUE ("email"), CONSTRAINT "PK_5a7a02c20412299d198e097a8fe" PRIMARY KEY ("id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "accounts"`);
  }
}
