/**
 * The partner's next planned step for a case, for the timeline ("what happens next, and when").
 * The intervals are the partner's practice, passed in as configuration: the inkassokrav about 12 days
 * after the reminder, and a decision once the inkassokrav's payment period (at least 8 days) has run.
 */
import { addDays } from '../rules/calendar';
import { type ReminderCase } from './reminder-case';

export interface PartnerSchedule {
  debtCollectionAfterReminderDays: number;
  decisionAfterDebtCollectionDays: number;
}

export const DEFAULT_PARTNER_SCHEDULE: PartnerSchedule = { debtCollectionAfterReminderDays: 12, decisionAfterDebtCollectionDays: 10 };

export type PlannedStep =
  | { step: 'registration'; expectedOn: null }
  | { step: 'reminder'; expectedOn: null }
  | { step: 'debt_collection' | 'decision' | 'resume'; expectedOn: string }
  | { step: 'dispute_resolution'; expectedOn: null };

export function nextPlannedStep(reminderCase: ReminderCase, schedule: PartnerSchedule = DEFAULT_PARTNER_SCHEDULE): PlannedStep | null {
  switch (reminderCase.status) {
    case 'requested':
      return { step: 'registration', expectedOn: null };
    case 'registered':
      return { step: 'reminder', expectedOn: null };
    case 'reminder_sent':
      return reminderCase.reminderSentOn
        ? { step: 'debt_collection', expectedOn: addDays(reminderCase.reminderSentOn, schedule.debtCollectionAfterReminderDays) }
        : null;
    case 'debt_collection':
      return reminderCase.debtCollectionOn
        ? { step: 'decision', expectedOn: addDays(reminderCase.debtCollectionOn, schedule.decisionAfterDebtCollectionDays) }
        : null;
    case 'paused':
      return reminderCase.pausedUntil ? { step: 'resume', expectedOn: reminderCase.pausedUntil } : null;
    case 'disputed':
      return { step: 'dispute_resolution', expectedOn: null };
    default:
      return null;
  }
}
