import type { LegacySizes } from './sizes';
import { defectModulus } from './sizes';
import { at, MISSING, TablePlan, timeAt, USER_IDS, userAt } from './plan-users';

/** conversation_sessions: ownerless, status/type synonyms and unknowns, NULL context and times. */
export function conversationsPlan(s: LegacySizes): TablePlan {
  const m = defectModulus(s.conversations, 100, 13);
  return {
    table: 'conversation_sessions',
    total: s.conversations,
    rows: (lo, hi) => `
      INSERT INTO conversation_sessions (id, user_id, session_type, status, conversation_context, created_at, updated_at)
      SELECT g,
             CASE WHEN ${at(m, 0)} THEN NULL ELSE ${userAt('g * 13')} END,
             CASE WHEN ${at(m, 6)} THEN 'Home' WHEN ${at(m, 7)} THEN 'onboarding' WHEN ${at(m, 8)} THEN 'daily-chat' WHEN ${at(m, 9)} THEN NULL
                  ELSE (ARRAY['home','profile_building','lesson','practice'])[1 + g % 4] END,
             CASE WHEN ${at(m, 1)} THEN 'done' WHEN ${at(m, 2)} THEN 'Finished ' WHEN ${at(m, 3)} THEN 'cancelled'
                  WHEN ${at(m, 4)} THEN 'archived' WHEN ${at(m, 5)} THEN NULL
                  ELSE (ARRAY['active','completed','abandoned','paused'])[1 + g % 4] END,
             CASE WHEN ${at(m, 10)} THEN NULL ELSE jsonb_build_object('topic', 'topic ' || g % 40, 'level', g % 6) END,
             CASE WHEN ${at(m, 11)} THEN NULL ELSE ${timeAt('g', '2 minutes')} END,
             CASE WHEN ${at(m, 12)} THEN NULL ELSE ${timeAt('g', '2 minutes')} + interval '1 hour' END
        FROM generate_series(${lo}, ${hi}) g CROSS JOIN ${USER_IDS}`,
  };
}

/**
 * conversation_messages: `messagesPerConversation` per session, message_order k = 1..n. Per session
 * (s % ms = r): a duplicate order, a zero order, a NULL order, a gap, a negative order. Per message
 * (g % m = r): no session, role synonyms, an unknown and a NULL role, NULL content and times.
 */
export function messagesPlan(s: LegacySizes): TablePlan {
  const per = s.messagesPerConversation;
  const ms = defectModulus(s.conversations, 50, 5);
  const m = defectModulus(s.conversations * per, 500, 8);
  const session = `(1 + (g - 1) / ${per})`;
  const k = `(1 + (g - 1) % ${per})`;
  const sessionDefect = (r: number) => `${session} % ${ms} = ${r}`;
  return {
    table: 'conversation_messages',
    total: s.conversations * per,
    rows: (lo, hi) => `
      INSERT INTO conversation_messages (id, session_id, role, content, message_order, created_at, updated_at)
      SELECT g,
             CASE WHEN ${at(m, 0)} THEN NULL ELSE ${session} END,
             CASE WHEN ${at(m, 1)} THEN 'Human' WHEN ${at(m, 2)} THEN 'bot' WHEN ${at(m, 3)} THEN 'narrator' WHEN ${at(m, 4)} THEN NULL
                  WHEN ${k} % 2 = 1 THEN 'user' ELSE 'assistant' END,
             CASE WHEN ${at(m, 5)} THEN NULL
                  ELSE 'message ' || ${k} || ': ' || repeat(md5(g::text) || ' ', 4 + g % 10) END,
             CASE WHEN ${sessionDefect(0)} AND ${k} = 5 THEN 4
                  WHEN ${sessionDefect(1)} AND ${k} = 1 THEN 0
                  WHEN ${sessionDefect(2)} AND ${k} = 3 THEN NULL
                  WHEN ${sessionDefect(3)} AND ${k} > ${per / 2} THEN ${k} + 1
                  WHEN ${sessionDefect(4)} AND ${k} = 2 THEN -1
                  ELSE ${k} END,
             CASE WHEN ${at(m, 6)} THEN NULL ELSE ${timeAt(session, '2 minutes')} + ${k} * interval '20 seconds' END,
             CASE WHEN ${at(m, 7)} THEN NULL ELSE ${timeAt(session, '2 minutes')} + ${k} * interval '20 seconds' END
        FROM generate_series(${lo}, ${hi}) g`,
  };
}

/** conversation_interactions: ownerless, type variants, mastery/confidence out of 1–5, dangling session/message, NULL metadata. */
export function interactionsPlan(s: LegacySizes): TablePlan {
  const m = defectModulus(s.interactions, 100, 12);
  const messages = s.conversations * s.messagesPerConversation;
  const types = `(ARRAY['question_asked','correction_received','grammar_practiced','vocabulary_learned','cultural_note','pronunciation_practice'])`;
  return {
    table: 'conversation_interactions',
    total: s.interactions,
    rows: (lo, hi) => `
      INSERT INTO conversation_interactions (id, user_id, session_id, message_id, concept_id, interaction_type, mastery_level,
                                             confidence_self_reported, next_review_date, metadata, created_at)
      SELECT g,
             CASE WHEN ${at(m, 0)} THEN NULL ELSE ${userAt('g * 17')} END,
             CASE WHEN ${at(m, 8)} THEN ${MISSING} + g ELSE 1 + (g * 7) % ${s.conversations} END,
             CASE WHEN ${at(m, 9)} THEN ${MISSING} + g ELSE 1 + (g * 13) % ${messages} END,
             'concept-' || g % 500,
             CASE WHEN ${at(m, 1)} THEN ' Question_Asked ' WHEN ${at(m, 2)} THEN 'chit_chat' WHEN ${at(m, 3)} THEN NULL
                  ELSE ${types}[1 + g % 6] END,
             CASE WHEN ${at(m, 4)} THEN 9 WHEN ${at(m, 5)} THEN 0 ELSE 1 + g % 5 END,
             CASE WHEN ${at(m, 6)} THEN 0 WHEN ${at(m, 7)} THEN 7 ELSE 1 + (g / 5) % 5 END,
             CASE WHEN g % 3 = 0 THEN ${timeAt('g', '90 seconds')} + interval '7 days' END,
             CASE WHEN ${at(m, 10)} THEN NULL ELSE jsonb_build_object('source', 'chat', 'n', g % 10) END,
             CASE WHEN ${at(m, 11)} THEN NULL ELSE ${timeAt('g', '90 seconds')} END
        FROM generate_series(${lo}, ${hi}) g CROSS JOIN ${USER_IDS}`,
  };
}
