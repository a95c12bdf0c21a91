function lingua_set_updated_at CREATE OR REPLACE FUNCTION public.lingua_set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $function$ BEGIN NEW.updated_at := now(); RETURN NEW; END $function$ 
table categories column description text
table categories column id integer NOT NULL DEFAULT nextval('categories_id_seq'::regclass)
table categories column name character varying(100)
table categories constraint categories_pkey PRIMARY KEY (id)
table categories index CREATE UNIQUE INDEX categories_pkey ON public.categories USING btree (id)
table conversation_interactions column concept_id character varying(100)
table conversation_interactions column confidence_self_reported integer
table conversation_interactions column created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP
table conversation_interactions column id integer NOT NULL DEFAULT nextval('conversation_interactions_id_seq'::regclass)
table conversation_interactions column interaction_type character varying(50)
table conversation_interactions column mastery_level integer
table conversation_interactions column message_id integer
table conversation_interactions column metadata jsonb
table conversation_interactions column next_review_date timestamp without time zone
table conversation_interactions column session_id integer
table conversation_interactions column user_id integer
table conversation_interactions constraint conversation_interactions_pkey PRIMARY KEY (id)
table conversation_interactions constraint conversation_interactions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id)
table conversation_interactions index CREATE UNIQUE INDEX conversation_interactions_pkey ON public.conversation_interactions USING btree (id)
table conversation_messages column content text
table conversation_messages column created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP
table conversation_messages column id integer NOT NULL DEFAULT nextval('conversation_messages_id_seq'::regclass)
table conversation_messages column message_order integer
table conversation_messages column role character varying(20)
table conversation_messages column session_id integer
table conversation_messages column updated_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP
table conversation_messages constraint conversation_messages_pkey PRIMARY KEY (id)
table conversation_messages constraint conversation_messages_session_id_fkey FOREIGN KEY (session_id) REFERENCES conversation_sessions(id)
table conversation_messages index CREATE UNIQUE INDEX conversation_messages_pkey ON public.conversation_messages USING btree (id)
table conversation_sessions column conversation_context jsonb
table conversation_sessions column created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP
table conversation_sessions column id integer NOT NULL DEFAULT nextval('conversation_sessions_id_seq'::regclass)
table conversation_sessions column session_type character varying(50)
table conversation_sessions column status character varying(20) DEFAULT 'active'::character varying
table conversation_sessions column updated_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP
table conversation_sessions column user_id integer
table conversation_sessions constraint conversation_sessions_pkey PRIMARY KEY (id)
table conversation_sessions constraint conversation_sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id)
table conversation_sessions index CREATE UNIQUE INDEX conversation_sessions_pkey ON public.conversation_sessions USING btree (id)
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
table lesson_sessions column completed_at timestamp without time zone
table lesson_sessions column id integer NOT NULL DEFAULT nextval('lesson_sessions_id_seq'::regclass)
table lesson_sessions column lesson_id integer
table lesson_sessions column score integer
table lesson_sessions column started_at timestamp without time zone
table lesson_sessions column status character varying(20)
table lesson_sessions column user_id integer
table lesson_sessions constraint lesson_sessions_pkey PRIMARY KEY (id)
table lesson_sessions index CREATE UNIQUE INDEX lesson_sessions_pkey ON public.lesson_sessions USING btree (id)
table lesson_versions column created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP
table lesson_versions column id integer NOT NULL DEFAULT nextval('lesson_versions_id_seq'::regclass)
table lesson_versions column lesson_id integer
table lesson_versions column lesson_plan jsonb
table lesson_versions column version integer
table lesson_versions constraint lesson_versions_lesson_id_fkey FOREIGN KEY (lesson_id) REFERENCES lessons(id)
table lesson_versions constraint lesson_versions_pkey PRIMARY KEY (id)
table lesson_versions index CREATE UNIQUE INDEX idx_lesson_versions_lesson_version ON public.lesson_versions USING btree (lesson_id, version)
table lesson_versions index CREATE UNIQUE INDEX lesson_versions_pkey ON public.lesson_versions USING btree (id)
table lessons column can_do text
table lessons column created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP
table lessons column id integer NOT NULL DEFAULT nextval('lessons_id_seq'::regclass)
table lessons column status character varying(20) DEFAULT 'draft'::character varying
table lessons column title character varying(255)
table lessons column updated_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP
table lessons constraint lessons_pkey PRIMARY KEY (id)
table lessons index CREATE UNIQUE INDEX lessons_pkey ON public.lessons USING btree (id)
table lingua_baseline_created column table_name text NOT NULL
table lingua_baseline_created constraint lingua_baseline_created_pkey PRIMARY KEY (table_name)
table lingua_baseline_created index CREATE UNIQUE INDEX lingua_baseline_created_pkey ON public.lingua_baseline_created USING btree (table_name)
table practice_sessions column correct_answers integer DEFAULT 0
table practice_sessions column duration_seconds integer
table practice_sessions column id integer NOT NULL DEFAULT nextval('practice_sessions_id_seq'::regclass)
table practice_sessions column session_date timestamp without time zone DEFAULT CURRENT_TIMESTAMP
table practice_sessions column total_questions integer DEFAULT 0
table practice_sessions constraint practice_sessions_pkey PRIMARY KEY (id)
table practice_sessions index CREATE UNIQUE INDEX practice_sessions_pkey ON public.practice_sessions USING btree (id)
table quarantined_rows column id bigint NOT NULL
table quarantined_rows column migration text NOT NULL
table quarantined_rows column quarantined_at timestamp with time zone NOT NULL DEFAULT now()
table quarantined_rows column reason text NOT NULL
table quarantined_rows column repaired_in_place boolean NOT NULL DEFAULT false
table quarantined_rows column row_data jsonb NOT NULL
table quarantined_rows column source_table text NOT NULL
table quarantined_rows constraint pk_quarantined_rows PRIMARY KEY (id)
table quarantined_rows index CREATE INDEX ix_quarantined_rows_source_table ON public.quarantined_rows USING btree (source_table, migration)
table quarantined_rows index CREATE UNIQUE INDEX pk_quarantined_rows ON public.quarantined_rows USING btree (id)
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
table user_vocabulary column id integer NOT NULL DEFAULT nextval('user_vocabulary_id_seq'::regclass)
table user_vocabulary column last_reviewed timestamp without time zone
table user_vocabulary column mastery_level integer DEFAULT 0
table user_vocabulary column times_correct integer DEFAULT 0
table user_vocabulary column times_reviewed integer DEFAULT 0
table user_vocabulary column user_id integer
table user_vocabulary column word_id integer
table user_vocabulary constraint user_vocabulary_pkey PRIMARY KEY (id)
table user_vocabulary index CREATE UNIQUE INDEX user_vocabulary_pkey ON public.user_vocabulary USING btree (id)
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
table users trigger CREATE TRIGGER trg_users_updated_at BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION lingua_set_updated_at()
table words column category_id integer
table words column created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP
table words column difficulty_level integer DEFAULT 1
table words column id integer NOT NULL DEFAULT nextval('words_id_seq'::regclass)
table words column translation character varying(255)
table words column word character varying(255)
table words constraint words_pkey PRIMARY KEY (id)
table words index CREATE UNIQUE INDEX words_pkey ON public.words USING btree (id)
