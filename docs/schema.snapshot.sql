function lingua_conversation_messages_last_message_order CREATE OR REPLACE FUNCTION public.lingua_conversation_messages_last_message_order() RETURNS trigger LANGUAGE plpgsql AS $function$ BEGIN UPDATE conversation_sessions SET last_message_order = NEW.message_order WHERE id = NEW.session_id AND last_message_order < NEW.message_order; RETURN NULL; END $function$ 
function lingua_practice_answers_append_only CREATE OR REPLACE FUNCTION public.lingua_practice_answers_append_only() RETURNS trigger LANGUAGE plpgsql AS $function$ BEGIN RAISE EXCEPTION 'practice_answers is append-only' USING ERRCODE = 'object_not_in_prerequisite_state'; END $function$ 
function lingua_set_updated_at CREATE OR REPLACE FUNCTION public.lingua_set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $function$ BEGIN NEW.updated_at := now(); RETURN NEW; END $function$ 
function lingua_users_default_display_name CREATE OR REPLACE FUNCTION public.lingua_users_default_display_name() RETURNS trigger LANGUAGE plpgsql AS $function$ BEGIN IF NEW.display_name IS NULL THEN NEW.display_name := left(coalesce(nullif(NEW.username, ''), nullif(split_part(NEW.email, '@', 1), ''), 'learner ' || NEW.id), 100); END IF; RETURN NEW; END $function$ 
table categories column created_at timestamp with time zone NOT NULL DEFAULT now()
table categories column description text
table categories column id integer NOT NULL DEFAULT nextval('categories_id_seq'::regclass)
table categories column name character varying(100) NOT NULL
table categories column updated_at timestamp with time zone NOT NULL DEFAULT now()
table categories constraint ck_categories_name_not_blank CHECK ((btrim((name)::text) <> ''::text))
table categories constraint pk_categories PRIMARY KEY (id)
table categories index CREATE UNIQUE INDEX pk_categories ON public.categories USING btree (id)
table categories index CREATE UNIQUE INDEX uq_categories_name ON public.categories USING btree (lower((name)::text))
table categories trigger CREATE TRIGGER trg_categories_updated_at BEFORE UPDATE ON public.categories FOR EACH ROW EXECUTE FUNCTION lingua_set_updated_at()
table conversation_interactions column concept_id character varying(100)
table conversation_interactions column confidence_self_reported integer
table conversation_interactions column created_at timestamp with time zone NOT NULL DEFAULT now()
table conversation_interactions column id integer NOT NULL DEFAULT nextval('conversation_interactions_id_seq'::regclass)
table conversation_interactions column interaction_type character varying(50) NOT NULL
table conversation_interactions column mastery_level integer
table conversation_interactions column message_id integer
table conversation_interactions column metadata jsonb NOT NULL DEFAULT '{}'::jsonb
table conversation_interactions column next_review_date timestamp with time zone
table conversation_interactions column session_id integer
table conversation_interactions column user_id integer NOT NULL
table conversation_interactions constraint ck_conversation_interactions_confidence_self_reported CHECK (((confidence_self_reported >= 1) AND (confidence_self_reported <= 5)))
table conversation_interactions constraint ck_conversation_interactions_interaction_type CHECK (((interaction_type)::text = ANY ((ARRAY['question_asked'::character varying, 'correction_received'::character varying, 'grammar_practiced'::character varying, 'vocabulary_learned'::character varying, 'cultural_note'::character varying, 'pronunciation_practice'::character varying])::text[])))
table conversation_interactions constraint ck_conversation_interactions_mastery_level CHECK (((mastery_level >= 1) AND (mastery_level <= 5)))
table conversation_interactions constraint fk_conversation_interactions_message_id FOREIGN KEY (message_id) REFERENCES conversation_messages(id) ON DELETE SET NULL
table conversation_interactions constraint fk_conversation_interactions_session_id FOREIGN KEY (session_id) REFERENCES conversation_sessions(id) ON DELETE CASCADE
table conversation_interactions constraint fk_conversation_interactions_user_id FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
table conversation_interactions constraint pk_conversation_interactions PRIMARY KEY (id)
table conversation_interactions index CREATE INDEX ix_conversation_interactions_message_id ON public.conversation_interactions USING btree (message_id)
table conversation_interactions index CREATE INDEX ix_conversation_interactions_metadata ON public.conversation_interactions USING gin (metadata jsonb_path_ops)
table conversation_interactions index CREATE INDEX ix_conversation_interactions_session_id ON public.conversation_interactions USING btree (session_id)
table conversation_interactions index CREATE INDEX ix_conversation_interactions_user_id_concept_id_id ON public.conversation_interactions USING btree (user_id, concept_id, id)
table conversation_interactions index CREATE INDEX ix_conversation_interactions_user_id_id ON public.conversation_interactions USING btree (user_id, id)
table conversation_interactions index CREATE INDEX ix_conversation_interactions_user_id_next_review_date ON public.conversation_interactions USING btree (user_id, next_review_date, id) WHERE (next_review_date IS NOT NULL)
table conversation_interactions index CREATE UNIQUE INDEX pk_conversation_interactions ON public.conversation_interactions USING btree (id)
table conversation_messages column content text NOT NULL
table conversation_messages column created_at timestamp with time zone NOT NULL DEFAULT now()
table conversation_messages column id integer NOT NULL DEFAULT nextval('conversation_messages_id_seq'::regclass)
table conversation_messages column message_order integer NOT NULL
table conversation_messages column role character varying(20) NOT NULL
table conversation_messages column session_id integer NOT NULL
table conversation_messages column updated_at timestamp with time zone NOT NULL DEFAULT now()
table conversation_messages constraint ck_conversation_messages_message_order CHECK ((message_order > 0))
table conversation_messages constraint ck_conversation_messages_role CHECK (((role)::text = ANY ((ARRAY['user'::character varying, 'assistant'::character varying, 'system'::character varying])::text[])))
table conversation_messages constraint fk_conversation_messages_session_id FOREIGN KEY (session_id) REFERENCES conversation_sessions(id) ON DELETE CASCADE
table conversation_messages constraint pk_conversation_messages PRIMARY KEY (id)
table conversation_messages constraint uq_conversation_messages_session_id_message_order UNIQUE (session_id, message_order)
table conversation_messages index CREATE UNIQUE INDEX pk_conversation_messages ON public.conversation_messages USING btree (id)
table conversation_messages index CREATE UNIQUE INDEX uq_conversation_messages_session_id_message_order ON public.conversation_messages USING btree (session_id, message_order)
table conversation_messages trigger CREATE TRIGGER trg_conversation_messages_last_message_order AFTER INSERT OR UPDATE OF session_id, message_order ON public.conversation_messages FOR EACH ROW EXECUTE FUNCTION lingua_conversation_messages_last_message_order()
table conversation_messages trigger CREATE TRIGGER trg_conversation_messages_updated_at BEFORE UPDATE ON public.conversation_messages FOR EACH ROW EXECUTE FUNCTION lingua_set_updated_at()
table conversation_sessions column conversation_context jsonb NOT NULL DEFAULT '{}'::jsonb
table conversation_sessions column created_at timestamp with time zone NOT NULL DEFAULT now()
table conversation_sessions column id integer NOT NULL DEFAULT nextval('conversation_sessions_id_seq'::regclass)
table conversation_sessions column last_message_order integer NOT NULL DEFAULT 0
table conversation_sessions column session_type character varying(50) NOT NULL
table conversation_sessions column status character varying(20) NOT NULL DEFAULT 'active'::character varying
table conversation_sessions column updated_at timestamp with time zone NOT NULL DEFAULT now()
table conversation_sessions column user_id integer NOT NULL
table conversation_sessions constraint ck_conversation_sessions_last_message_order CHECK ((last_message_order >= 0))
table conversation_sessions constraint ck_conversation_sessions_session_type CHECK (((session_type)::text = ANY ((ARRAY['home'::character varying, 'profile_building'::character varying, 'lesson'::character varying, 'practice'::character varying])::text[])))
table conversation_sessions constraint ck_conversation_sessions_status CHECK (((status)::text = ANY ((ARRAY['active'::character varying, 'completed'::character varying, 'abandoned'::character varying, 'paused'::character varying])::text[])))
table conversation_sessions constraint fk_conversation_sessions_user_id FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
table conversation_sessions constraint pk_conversation_sessions PRIMARY KEY (id)
table conversation_sessions index CREATE INDEX ix_conversation_sessions_conversation_context ON public.conversation_sessions USING gin (conversation_context jsonb_path_ops)
table conversation_sessions index CREATE INDEX ix_conversation_sessions_user_id_id ON public.conversation_sessions USING btree (user_id, id)
table conversation_sessions index CREATE INDEX ix_conversation_sessions_user_id_session_type_id ON public.conversation_sessions USING btree (user_id, session_type, id)
table conversation_sessions index CREATE INDEX ix_conversation_sessions_user_id_status_id ON public.conversation_sessions USING btree (user_id, status, id)
table conversation_sessions index CREATE UNIQUE INDEX pk_conversation_sessions ON public.conversation_sessions USING btree (id)
table conversation_sessions trigger CREATE TRIGGER trg_conversation_sessions_updated_at BEFORE UPDATE ON public.conversation_sessions FOR EACH ROW EXECUTE FUNCTION lingua_set_updated_at()
table learning_paths column created_at timestamp with time zone NOT NULL DEFAULT now()
table learning_paths column id integer NOT NULL DEFAULT nextval('learning_paths_id_seq'::regclass)
table learning_paths column path_data jsonb NOT NULL
table learning_paths column progress_data jsonb NOT NULL DEFAULT '{}'::jsonb
table learning_paths column updated_at timestamp with time zone NOT NULL DEFAULT now()
table learning_paths column user_id integer NOT NULL
table learning_paths constraint fk_learning_paths_user_id FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
table learning_paths constraint pk_learning_paths PRIMARY KEY (id)
table learning_paths index CREATE INDEX ix_learning_paths_path_data ON public.learning_paths USING gin (path_data jsonb_path_ops)
table learning_paths index CREATE INDEX ix_learning_paths_progress_data ON public.learning_paths USING gin (progress_data jsonb_path_ops)
table learning_paths index CREATE INDEX ix_learning_paths_user_id_id ON public.learning_paths USING btree (user_id, id)
table learning_paths index CREATE UNIQUE INDEX pk_learning_paths ON public.learning_paths USING btree (id)
table learning_paths trigger CREATE TRIGGER trg_learning_paths_updated_at BEFORE UPDATE ON public.learning_paths FOR EACH ROW EXECUTE FUNCTION lingua_set_updated_at()
table lesson_sessions column completed_at timestamp with time zone
table lesson_sessions column id integer NOT NULL DEFAULT nextval('lesson_sessions_id_seq'::regclass)
table lesson_sessions column lesson_id integer NOT NULL
table lesson_sessions column lesson_version_id integer
table lesson_sessions column score integer
table lesson_sessions column started_at timestamp with time zone NOT NULL DEFAULT now()
table lesson_sessions column status character varying(20) NOT NULL DEFAULT 'in_progress'::character varying
table lesson_sessions column user_id integer NOT NULL
table lesson_sessions constraint ck_lesson_sessions_score CHECK (((score >= 0) AND (score <= 100)))
table lesson_sessions constraint ck_lesson_sessions_status CHECK (((status)::text = ANY ((ARRAY['in_progress'::character varying, 'completed'::character varying, 'abandoned'::character varying])::text[])))
table lesson_sessions constraint fk_lesson_sessions_lesson_id FOREIGN KEY (lesson_id) REFERENCES lessons(id) ON DELETE RESTRICT
table lesson_sessions constraint fk_lesson_sessions_lesson_version_id FOREIGN KEY (lesson_version_id) REFERENCES lesson_versions(id) ON DELETE RESTRICT
table lesson_sessions constraint fk_lesson_sessions_user_id FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
table lesson_sessions constraint pk_lesson_sessions PRIMARY KEY (id)
table lesson_sessions index CREATE INDEX ix_lesson_sessions_lesson_id ON public.lesson_sessions USING btree (lesson_id)
table lesson_sessions index CREATE INDEX ix_lesson_sessions_lesson_version_id ON public.lesson_sessions USING btree (lesson_version_id)
table lesson_sessions index CREATE INDEX ix_lesson_sessions_user_id_id ON public.lesson_sessions USING btree (user_id, id)
table lesson_sessions index CREATE UNIQUE INDEX pk_lesson_sessions ON public.lesson_sessions USING btree (id)
table lesson_versions column created_at timestamp with time zone NOT NULL DEFAULT now()
table lesson_versions column id integer NOT NULL DEFAULT nextval('lesson_versions_id_seq'::regclass)
table lesson_versions column lesson_id integer NOT NULL
table lesson_versions column lesson_plan jsonb NOT NULL
table lesson_versions column version integer NOT NULL
table lesson_versions constraint ck_lesson_versions_version CHECK ((version > 0))
table lesson_versions constraint fk_lesson_versions_lesson_id FOREIGN KEY (lesson_id) REFERENCES lessons(id) ON DELETE CASCADE
table lesson_versions constraint pk_lesson_versions PRIMARY KEY (id)
table lesson_versions constraint uq_lesson_versions_lesson_id_version UNIQUE (lesson_id, version)
table lesson_versions index CREATE INDEX ix_lesson_versions_lesson_plan ON public.lesson_versions USING gin (lesson_plan jsonb_path_ops)
table lesson_versions index CREATE UNIQUE INDEX pk_lesson_versions ON public.lesson_versions USING btree (id)
table lesson_versions index CREATE UNIQUE INDEX uq_lesson_versions_lesson_id_version ON public.lesson_versions USING btree (lesson_id, version)
table lessons column can_do text
table lessons column created_at timestamp with time zone NOT NULL DEFAULT now()
table lessons column id integer NOT NULL DEFAULT nextval('lessons_id_seq'::regclass)
table lessons column status character varying(20) NOT NULL DEFAULT 'draft'::character varying
table lessons column title character varying(255) NOT NULL
table lessons column updated_at timestamp with time zone NOT NULL DEFAULT now()
table lessons constraint ck_lessons_status CHECK (((status)::text = ANY ((ARRAY['draft'::character varying, 'compiling'::character varying, 'completed'::character varying, 'failed'::character varying])::text[])))
table lessons constraint pk_lessons PRIMARY KEY (id)
table lessons index CREATE INDEX ix_lessons_status_id ON public.lessons USING btree (status, id)
table lessons index CREATE UNIQUE INDEX pk_lessons ON public.lessons USING btree (id)
table lessons trigger CREATE TRIGGER trg_lessons_updated_at BEFORE UPDATE ON public.lessons FOR EACH ROW EXECUTE FUNCTION lingua_set_updated_at()
table lingua_baseline_created column table_name text NOT NULL
table lingua_baseline_created constraint lingua_baseline_created_pkey PRIMARY KEY (table_name)
table lingua_baseline_created index CREATE UNIQUE INDEX lingua_baseline_created_pkey ON public.lingua_baseline_created USING btree (table_name)
table lingua_legacy_user_profile_ids column id integer NOT NULL
table lingua_legacy_user_profile_ids column user_id integer NOT NULL
table lingua_legacy_user_profile_ids constraint pk_lingua_legacy_user_profile_ids PRIMARY KEY (user_id)
table lingua_legacy_user_profile_ids index CREATE UNIQUE INDEX pk_lingua_legacy_user_profile_ids ON public.lingua_legacy_user_profile_ids USING btree (user_id)
table practice_answers column answer_id uuid NOT NULL
table practice_answers column answered_at timestamp with time zone NOT NULL DEFAULT now()
table practice_answers column difficulty double precision NOT NULL
table practice_answers column due_at timestamp with time zone NOT NULL
table practice_answers column id bigint NOT NULL
table practice_answers column mastery_level smallint NOT NULL
table practice_answers column rating smallint NOT NULL
table practice_answers column response_ms integer NOT NULL
table practice_answers column session_id integer NOT NULL
table practice_answers column stability double precision NOT NULL
table practice_answers column state smallint NOT NULL
table practice_answers column user_id integer NOT NULL
table practice_answers column word_id integer NOT NULL
table practice_answers constraint ck_practice_answers_rating CHECK (((rating >= 1) AND (rating <= 4)))
table practice_answers constraint ck_practice_answers_response_ms CHECK ((response_ms >= 0))
table practice_answers constraint fk_practice_answers_session_id FOREIGN KEY (session_id) REFERENCES practice_sessions(id) ON DELETE CASCADE
table practice_answers constraint fk_practice_answers_user_id FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
table practice_answers constraint fk_practice_answers_word_id FOREIGN KEY (word_id) REFERENCES words(id) ON DELETE CASCADE
table practice_answers constraint pk_practice_answers PRIMARY KEY (id)
table practice_answers constraint uq_practice_answers_session_id_answer_id UNIQUE (session_id, answer_id)
table practice_answers index CREATE INDEX ix_practice_answers_user_id ON public.practice_answers USING btree (user_id)
table practice_answers index CREATE INDEX ix_practice_answers_word_id ON public.practice_answers USING btree (word_id)
table practice_answers index CREATE UNIQUE INDEX pk_practice_answers ON public.practice_answers USING btree (id)
table practice_answers index CREATE UNIQUE INDEX uq_practice_answers_session_id_answer_id ON public.practice_answers USING btree (session_id, answer_id)
table practice_answers trigger CREATE TRIGGER trg_practice_answers_append_only BEFORE UPDATE ON public.practice_answers FOR EACH ROW EXECUTE FUNCTION lingua_practice_answers_append_only()
table practice_sessions column correct_answers integer NOT NULL DEFAULT 0
table practice_sessions column duration_seconds integer
table practice_sessions column finished_at timestamp with time zone
table practice_sessions column id integer NOT NULL DEFAULT nextval('practice_sessions_id_seq'::regclass)
table practice_sessions column started_at timestamp with time zone NOT NULL DEFAULT now()
table practice_sessions column total_questions integer NOT NULL DEFAULT 0
table practice_sessions column user_id integer
table practice_sessions constraint ck_practice_sessions_answers CHECK (((correct_answers >= 0) AND (total_questions >= correct_answers)))
table practice_sessions constraint ck_practice_sessions_duration_seconds CHECK ((duration_seconds >= 0))
table practice_sessions constraint ck_practice_sessions_user_id_required CHECK ((user_id IS NOT NULL)) NOT VALID
table practice_sessions constraint fk_practice_sessions_user_id FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
table practice_sessions constraint pk_practice_sessions PRIMARY KEY (id)
table practice_sessions index CREATE INDEX ix_practice_sessions_user_id_id ON public.practice_sessions USING btree (user_id, id)
table practice_sessions index CREATE UNIQUE INDEX pk_practice_sessions ON public.practice_sessions USING btree (id)
table quarantined_rows column id bigint NOT NULL
table quarantined_rows column migration text NOT NULL
table quarantined_rows column quarantined_at timestamp with time zone NOT NULL DEFAULT now()
table quarantined_rows column reason text NOT NULL
table quarantined_rows column repaired_in_place boolean NOT NULL DEFAULT false
table quarantined_rows column row_data jsonb NOT NULL
table quarantined_rows column source_table text NOT NULL
table quarantined_rows constraint pk_quarantined_rows PRIMARY KEY (id)
table quarantined_rows index CREATE UNIQUE INDEX pk_quarantined_rows ON public.quarantined_rows USING btree (id)
table quarantined_rows index CREATE UNIQUE INDEX uq_quarantined_rows_source_table_migration_row_id ON public.quarantined_rows USING btree (source_table, migration, ((row_data ->> 'id'::text)))
table user_profiles column created_at timestamp with time zone NOT NULL DEFAULT now()
table user_profiles column learning_goals jsonb
table user_profiles column previous_knowledge jsonb
table user_profiles column updated_at timestamp with time zone NOT NULL DEFAULT now()
table user_profiles column usage_context jsonb
table user_profiles column user_id integer NOT NULL
table user_profiles constraint fk_user_profiles_user_id FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
table user_profiles constraint pk_user_profiles PRIMARY KEY (user_id)
table user_profiles index CREATE INDEX ix_user_profiles_learning_goals ON public.user_profiles USING gin (learning_goals jsonb_path_ops)
table user_profiles index CREATE INDEX ix_user_profiles_previous_knowledge ON public.user_profiles USING gin (previous_knowledge jsonb_path_ops)
table user_profiles index CREATE INDEX ix_user_profiles_usage_context ON public.user_profiles USING gin (usage_context jsonb_path_ops)
table user_profiles index CREATE UNIQUE INDEX pk_user_profiles ON public.user_profiles USING btree (user_id)
table user_profiles trigger CREATE TRIGGER trg_user_profiles_updated_at BEFORE UPDATE ON public.user_profiles FOR EACH ROW EXECUTE FUNCTION lingua_set_updated_at()
table user_vocabulary column created_at timestamp with time zone NOT NULL DEFAULT now()
table user_vocabulary column difficulty double precision NOT NULL DEFAULT 0
table user_vocabulary column due_at timestamp with time zone NOT NULL DEFAULT now()
table user_vocabulary column id integer NOT NULL DEFAULT nextval('user_vocabulary_id_seq'::regclass)
table user_vocabulary column lapses integer NOT NULL DEFAULT 0
table user_vocabulary column last_reviewed_at timestamp with time zone
table user_vocabulary column learning_steps integer NOT NULL DEFAULT 0
table user_vocabulary column mastery_level integer NOT NULL DEFAULT 0
table user_vocabulary column reps integer NOT NULL DEFAULT 0
table user_vocabulary column stability double precision NOT NULL DEFAULT 0
table user_vocabulary column state smallint NOT NULL DEFAULT 0
table user_vocabulary column times_correct integer NOT NULL DEFAULT 0
table user_vocabulary column times_seen integer NOT NULL DEFAULT 0
table user_vocabulary column updated_at timestamp with time zone NOT NULL DEFAULT now()
table user_vocabulary column user_id integer NOT NULL
table user_vocabulary column word_id integer NOT NULL
table user_vocabulary constraint ck_user_vocabulary_mastery_level CHECK (((mastery_level >= 0) AND (mastery_level <= 5)))
table user_vocabulary constraint ck_user_vocabulary_srs CHECK (((reps >= 0) AND (lapses >= 0) AND (stability >= (0)::double precision) AND (difficulty >= (0)::double precision) AND (learning_steps >= 0)))
table user_vocabulary constraint ck_user_vocabulary_state CHECK (((state >= 0) AND (state <= 3)))
table user_vocabulary constraint ck_user_vocabulary_times CHECK (((times_seen >= times_correct) AND (times_correct >= 0)))
table user_vocabulary constraint fk_user_vocabulary_user_id FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
table user_vocabulary constraint fk_user_vocabulary_word_id FOREIGN KEY (word_id) REFERENCES words(id) ON DELETE CASCADE
table user_vocabulary constraint pk_user_vocabulary PRIMARY KEY (id)
table user_vocabulary constraint uq_user_vocabulary_user_id_word_id UNIQUE (user_id, word_id)
table user_vocabulary index CREATE INDEX ix_user_vocabulary_user_id_due_at ON public.user_vocabulary USING btree (user_id, due_at)
table user_vocabulary index CREATE INDEX ix_user_vocabulary_user_id_mastery_level_word_id ON public.user_vocabulary USING btree (user_id, mastery_level, word_id)
table user_vocabulary index CREATE INDEX ix_user_vocabulary_word_id ON public.user_vocabulary USING btree (word_id)
table user_vocabulary index CREATE UNIQUE INDEX pk_user_vocabulary ON public.user_vocabulary USING btree (id)
table user_vocabulary index CREATE UNIQUE INDEX uq_user_vocabulary_user_id_word_id ON public.user_vocabulary USING btree (user_id, word_id)
table user_vocabulary trigger CREATE TRIGGER trg_user_vocabulary_updated_at BEFORE UPDATE ON public.user_vocabulary FOR EACH ROW EXECUTE FUNCTION lingua_set_updated_at()
table users column created_at timestamp with time zone NOT NULL DEFAULT now()
table users column display_name character varying(100) NOT NULL
table users column email character varying(120)
table users column id integer NOT NULL DEFAULT nextval('users_id_seq'::regclass)
table users column native_language character varying(16)
table users column password_hash character varying(255)
table users column target_language character varying(16)
table users column updated_at timestamp with time zone NOT NULL DEFAULT now()
table users column username character varying(80)
table users constraint ck_users_display_name_not_blank CHECK ((btrim((display_name)::text) <> ''::text))
table users constraint pk_users PRIMARY KEY (id)
table users constraint uq_users_username UNIQUE (username)
table users index CREATE UNIQUE INDEX pk_users ON public.users USING btree (id)
table users index CREATE UNIQUE INDEX uq_users_email ON public.users USING btree (lower((email)::text))
table users index CREATE UNIQUE INDEX uq_users_username ON public.users USING btree (username)
table users trigger CREATE TRIGGER trg_users_default_display_name BEFORE INSERT ON public.users FOR EACH ROW EXECUTE FUNCTION lingua_users_default_display_name()
table users trigger CREATE TRIGGER trg_users_updated_at BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION lingua_set_updated_at()
table words column category_id integer NOT NULL
table words column created_at timestamp with time zone NOT NULL DEFAULT now()
table words column difficulty_level integer NOT NULL DEFAULT 1
table words column id integer NOT NULL DEFAULT nextval('words_id_seq'::regclass)
table words column term character varying(255) NOT NULL
table words column translation character varying(255) NOT NULL
table words column updated_at timestamp with time zone NOT NULL DEFAULT now()
table words constraint ck_words_difficulty_level CHECK (((difficulty_level >= 1) AND (difficulty_level <= 5)))
table words constraint ck_words_term_not_blank CHECK ((btrim((term)::text) <> ''::text))
table words constraint fk_words_category_id FOREIGN KEY (category_id) REFERENCES categories(id) ON DELETE RESTRICT
table words constraint pk_words PRIMARY KEY (id)
table words index CREATE INDEX ix_words_term_prefix ON public.words USING btree (lower((term)::text) text_pattern_ops)
table words index CREATE UNIQUE INDEX pk_words ON public.words USING btree (id)
table words index CREATE UNIQUE INDEX uq_words_category_id_term ON public.words USING btree (category_id, lower((term)::text))
table words trigger CREATE TRIGGER trg_words_updated_at BEFORE UPDATE ON public.words FOR EACH ROW EXECUTE FUNCTION lingua_set_updated_at()
