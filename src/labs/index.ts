/**
 * Guided labs and the misconfiguration detector: the headless side of issue "Guided labs"
 * (items 1 and 2). Pure TypeScript over the core's public objects; no DOM, so the page's
 * worker and the Node tests use the same code.
 *
 *   builtinGuides(), validateGuide(json)     the lab files (docs/lab-format.md)
 *   new GuideRun(guide, lab).update()        progress, recomputed from state and traffic
 *   run.showMe(i), run.hint(i, 'zh')         what "show me" types, hints
 *   evaluate(lab, check, ctx)                one check → { ok, detail }
 *   new Detector(lab).update()               findings per frame (the classic traps)
 *   challengeCandidates(lab) / challengeFor  predict the director's next frame
 *   new SchedulerPlayground(preset)          the 13 schedulers on a bench
 */
export type * from './types.ts';
export { evaluate, resolveText, type EvalContext } from './checks.ts';
export { GuideRun, runActions, showMeActions, commandsByHost, type GuideProgress, type StepStatus, type GuideRunState } from './guide.ts';
export { validateGuide, validateSchema, formatErrors, GUIDE_SCHEMA, type ValidationError, type ValidationResult } from './validate.ts';
export { builtinGuides, builtinGuide } from './guides/index.ts';
export { SchedulerPlayground, SCHEDULERS, SCHEDULER_ORDER, explainDecision, formulaFor, destNamer, type SchedulerInfo, type SchedulerName, type DecisionView, type DecisionRow, type Pick, type PlayDest } from './playground.ts';
export { Detector, detect, type Finding, type Fix, type TrapKind } from './detector.ts';
export { challengeCandidates, challengeFor, checkChallenge, type Challenge, type ChallengeField, type ChallengeResult, type Endpoints, type FieldResult, type DirectorAction, type Choice } from './challenge.ts';
export { trafficOf, type Pkt } from './traffic.ts';
