import { MigrationInterface, QueryRunner } from 'typeorm';

/** The app's own table. Generated with `migration:generate` (default naming: "PK_<hash>", "UQ_<hash>"). */
export class CreateHostNotes1795000000000 implements MigrationInterface {
  name = 'CreateHostNotes1795000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "host_notes" ("id" SERIAL NOT NULL, "title" character varying(200) NOT NULL, "authorId" integer NOT NULL, ` +
        `"createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_ba4da5b019d8dd2542816d52f81" UNIQUE ("title"), ` +
        `CONSTRAINT "PK_5ac6517a0bf01173f197db1e3e4" PRIMARY KEY ("id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "host_notes"`);
  }
}
