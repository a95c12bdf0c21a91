import { FieldErrors } from '../common/api-error';

export const STEP_TYPES = ['presentation', 'practice', 'dialogue', 'quiz', 'review'] as const;
export const CEFR_LEVELS = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'] as const;
const STEP_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const MAX_STEPS = 100;
const MAX_OBJECTIVES = 20;
const MAX_TOTAL_MINUTES = 240;

export interface LessonStep {
  id: string;
  type: (typeof STEP_TYPES)[number];
  title: string;
  durationMinutes: number;
  dependsOn?: string[];
  content?: Record<string, unknown>;
}

export interface CompiledLessonPlan extends Record<string, unknown> {
  level?: (typeof CEFR_LEVELS)[number];
  objectives: string[];
  steps: LessonStep[];
  stepCount: number;
  totalMinutes: number;
}

/** A plan the compiler rejected; the service records the lesson as failed and answers 400 with these. */
export class PlanRejected extends Error {
  constructor(readonly problems: FieldErrors[]) {
    super('The lesson plan is invalid.');
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.trim().length > 0 && v.length <= max;

/**
 * Compiles an author's lesson plan: checks its structure (objectives; 1–100 steps with unique ids,
 * a known type, a title and a duration; `dependsOn` naming only earlier steps, so the order is a
 * valid sequence with no cycles; total duration at most 240 minutes) and returns the stored form,
 * the plan plus `stepCount` and `totalMinutes`. Unknown top-level keys are kept as they are.
 */
export function compileLessonPlan(plan: Record<string, unknown>): CompiledLessonPlan {
  const problems: FieldErrors[] = [];
  const problem = (field: string, message: string) => problems.push({ field: `lessonPlan.${field}`, messages: [message] });

  if (plan.level !== undefined && !CEFR_LEVELS.includes(plan.level as never))
    problem('level', `level must be one of ${CEFR_LEVELS.join(', ')}`);
  const objectives = plan.objectives;
  if (!Array.isArray(objectives) || objectives.length === 0 || objectives.length > MAX_OBJECTIVES) {
    problem('objectives', `objectives must be a list of 1 to ${MAX_OBJECTIVES} statements`);
  } else {
    objectives.forEach((o, i) => {
      if (!isText(o, 300)) problem(`objectives.${i}`, 'each objective must be a non-blank string of at most 300 characters');
    });
  }

  const steps = plan.steps;
  let totalMinutes = 0;
  if (!Array.isArray(steps) || steps.length === 0 || steps.length > MAX_STEPS) {
    problem('steps', `steps must be a list of 1 to ${MAX_STEPS} steps`);
  } else {
    const seen = new Set<string>();
    steps.forEach((step: unknown, i) => {
      const at = `steps.${i}`;
      if (!isObject(step)) return problem(at, 'each step must be an object');
      if (typeof step.id !== 'string' || !STEP_ID.test(step.id)) problem(`${at}.id`, 'id must be 1-64 letters, digits, "_" or "-"');
      else if (seen.has(step.id)) problem(`${at}.id`, `id "${step.id}" is used by an earlier step`);
      if (!STEP_TYPES.includes(step.type as never)) problem(`${at}.type`, `type must be one of ${STEP_TYPES.join(', ')}`);
      if (!isText(step.title, 200)) problem(`${at}.title`, 'title must be a non-blank string of at most 200 characters');
      const minutes = step.durationMinutes;
      if (!Number.isInteger(minutes) || (minutes as number) < 1 || (minutes as number) > 120) {
        problem(`${at}.durationMinutes`, 'durationMinutes must be an integer from 1 to 120');
      } else totalMinutes += minutes as number;
      if (step.content !== undefined && !isObject(step.content)) problem(`${at}.content`, 'content must be an object');
      if (step.dependsOn !== undefined) {
        if (!Array.isArray(step.dependsOn)) problem(`${at}.dependsOn`, 'dependsOn must be a list of step ids');
        else {
          for (const dep of step.dependsOn) {
            if (typeof dep !== 'string' || !seen.has(dep))
              problem(`${at}.dependsOn`, `dependsOn may name only earlier steps; "${String(dep)}" is not one`);
          }
        }
      }
      if (typeof step.id === 'string') seen.add(step.id);
    });
    if (totalMinutes > MAX_TOTAL_MINUTES)
      problem('steps', `the steps last ${totalMinutes} minutes; a lesson lasts at most ${MAX_TOTAL_MINUTES}`);
  }

  if (problems.length) throw new PlanRejected(problems);
  return {
    ...plan,
    objectives: objectives as string[],
    steps: steps as LessonStep[],
    stepCount: (steps as unknown[]).length,
    totalMinutes,
  };
}
