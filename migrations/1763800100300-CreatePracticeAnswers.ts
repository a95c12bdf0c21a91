import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The review log (new table, so plain DDL in one transaction is safe). Append-only: a trigger
 * rejects UPDATE; rows go only with their session, learner or word (ON DELETE CASCADE). The indexes
 * on user_id and word_id serve those cascades; (session_id, answer_id) is the idempotency key.
 */
export class CreatePracticeAnswers1763800100300 implements MigrationInterface {
  name = 'CreatePracticeAnswers1763800100300';

  async up(qr: QueryRunner): Promise<void> {
    await qr.query(`
      CREATE TABLE practice_answers (
        id bigserial CONSTRAINT pk_practice_answers PRIMARY KEY,
        session_id integer NOT NULL,
        user_id integer NOT NULL,
        word_id integer NOT NULL,
        answer_id uuid NOT NULL,
        rating smallint NOT NULL,
        response_ms integer NOT NULL,
        answered_at timestamptz NOT NULL DEFAULT now(),
        state smallint NOT NULL,
        due_at timestamptz NOT NULL,
        stability double precision NOT NULL,
        difficulty double precision NOT NULL,
        mastery_level smallint NOT NULL,
        CONSTRAINT fk_practice_answers_session_id FOREIGN KEY (session_id) REFERENCES practice_sessions(id) ON DELETE CASCADE,
        CONSTRAINT fk_practice_answers_user_id FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE,
        CONSTRAINT fk_practice_answers_word_id FOREIGN KEY (word_id) REFERENCES words(id) ON DELETE CASCADE,
        CONSTRAINT uq_practice_answers_session_id_answer_id UNIQUE (session_id, answer_id),
        CONSTRAINT ck_practice_answers_rating CHECK (rating BETWEEN 1 AND 4),
        CONSTRAINT ck_practice_answers_response_ms CHECK (response_ms >= 0)
      )`);
    await qr.query(`CREATE INDEX ix_practice_answers_user_id ON practice_answers (user_id)`);
    await qr.query(`CREATE INDEX ix_practice_answers_word_id ON practice_answers (word_id)`);
    await qr.query(`
      CREATE FUNCTION lingua_practice_answers_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'practice_answers is append-only' USING ERRCODE = 'object_not_in_prerequisite_state';
      END
      $$`);
    await qr.query(`CREATE TRIGGER trg_practice_answers_append_only BEFORE UPDATE ON practice_answers
      FOR EACH ROW EXECUTE FUNCTION lingua_practice_answers_append_only()`);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.query(`DROP TABLE practice_answers`);
    await qr.query(`DROP FUNCTION lingua_practice_answers_append_only()`);
  }
}
