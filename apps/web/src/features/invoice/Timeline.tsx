/** The case's timeline: the next planned step at the top, then every event of the audit trail, newest first — what, when, who, why. */
import { type Schemas } from '../../api/client';
import { formatDate, formatInstant } from '../../format/format';
import { useI18n } from '../../i18n/i18n';
import { describeActor, describeEvent, reasonOf } from './timeline';

export function Timeline({ events, nextStep }: { events: Schemas['AuditEntryDto'][]; nextStep: Schemas['NextStepDto'] | null }) {
  const { t, language } = useI18n();
  const newestFirst = [...events].sort((a, b) => b.streamVersion - a.streamVersion);
  if (newestFirst.length === 0 && !nextStep) return <p>{t('timeline.empty')}</p>;
  return (
    <ol className="timeline case-timeline" data-testid="timeline">
      {nextStep && (
        <li className="case-timeline__planned">
          <p className="case-timeline__what">
            <span className="chip chip--info">{t('timeline.planned')}</span> {t(`nextStep.${nextStep.step}`)}
          </p>
          {nextStep.expectedOn && <p className="case-timeline__meta">{t('nextStep.on', { date: formatDate(nextStep.expectedOn, language) })}</p>}
        </li>
      )}
      {newestFirst.map((entry) => {
        const why = reasonOf(entry);
        return (
          <li key={entry.eventId} className={`case-timeline__event case-timeline__event--${entry.actor.kind}`}>
            <p className="case-timeline__what">{describeEvent(entry, t, language)}</p>
            <p className="case-timeline__meta">
              <time dateTime={entry.occurredAt}>{formatInstant(entry.occurredAt, language)}</time>
              <span aria-hidden="true"> · </span>
              <span>{t('timeline.by', { actor: describeActor(entry.actor, t) })}</span>
            </p>
            {why && <p className="case-timeline__why">{t('timeline.why', { reason: why })}</p>}
          </li>
        );
      })}
    </ol>
  );
}
