/**
 * Reports (`/reports`, `GET /api/reports/overview`): unpaid invoices by age, cases by status, and what was
 * collected per month over the last twelve months (through the bank, by hand, through the partner, and how
 * much of it while a case ran). Each chart has a spoken summary and its figures in a table.
 */
import { useCallback, useId } from 'react';
import { type Schemas, unwrap } from '../../api/client';
import { useApp } from '../../app/context';
import { formatDate, formatMoney } from '../../format/format';
import { type Language, type MessageKey, type Translate, useI18n } from '../../i18n/i18n';
import { ErrorMessage, Spinner } from '../../ui/feedback';
import { useResource } from '../payments/useResource';
import { ColumnChart, DataTable, HBarChart, Legend } from './charts';
import { sv } from './messages';
import './reports.css';

type Overview = Schemas['ReportOverviewDto'];

export const SERIES_COLOURS = { bank: '#1f4e79', manual: '#2f7d4a', partner: '#a35200' } as const;
const AGEING_COLOUR = '#1f4e79';
const CASES_COLOUR = '#5a3e8c';

function monthName(month: string, language: Language, style: 'long' | 'short'): string {
  const [year, number] = month.split('-').map(Number);
  return new Intl.DateTimeFormat(language === 'sv' ? 'sv-SE' : 'en-GB', { month: style, timeZone: 'UTC' }).format(Date.UTC(year, number - 1, 1));
}

function monthAndYear(month: string, language: Language): string {
  return `${monthName(month, language, 'long')} ${month.slice(0, 4)}`;
}

export function caseStatusLabel(status: string, t: Translate): string {
  const key = `reports.caseStatus.${status}`;
  return key in sv ? t(key as MessageKey) : status;
}

/** The first of the largest, or undefined when all are zero. */
function largest<T>(items: T[], value: (item: T) => number): T | undefined {
  return items.reduce<T | undefined>((best, item) => (value(item) > 0 && (best === undefined || value(item) > value(best)) ? item : best), undefined);
}

function Ageing({ overview }: { overview: Overview }) {
  const { t, language } = useI18n();
  const headingId = useId();
  const buckets = overview.ageing;
  const invoices = buckets.reduce((sum, b) => sum + b.invoices, 0);
  const remaining = buckets.reduce((sum, b) => sum + b.remainingOre, 0);
  const biggest = largest(buckets, (b) => b.remainingOre);
  const summary = biggest
    ? t('reports.ageing.summary', {
        invoices,
        amount: formatMoney(remaining, language),
        bucket: t(`reports.bucket.${biggest.bucket}`),
        bucketAmount: formatMoney(biggest.remainingOre, language),
      })
    : t('reports.ageing.summaryEmpty');
  return (
    <section aria-labelledby={headingId} className="card report">
      <h2 id={headingId}>{t('reports.ageing.title')}</h2>
      <p className="report__intro">{t('reports.ageing.intro')}</p>
      <HBarChart
        summary={summary}
        color={AGEING_COLOUR}
        testId="chart-ageing"
        rows={buckets.map((b) => ({ key: b.bucket, label: t(`reports.bucket.${b.bucket}`), value: b.remainingOre, valueLabel: formatMoney(b.remainingOre, language) }))}
      />
      <DataTable
        caption={t('reports.ageing.title')}
        head={[t('reports.ageing.bucket'), t('reports.ageing.invoices'), t('reports.ageing.remaining')]}
        numeric={[false, true, true]}
        rows={buckets.map((b) => [t(`reports.bucket.${b.bucket}`), b.invoices, formatMoney(b.remainingOre, language)])}
        foot={[t('reports.total'), invoices, formatMoney(remaining, language)]}
      />
    </section>
  );
}

function CasesByStatus({ overview }: { overview: Overview }) {
  const { t, language } = useI18n();
  const headingId = useId();
  const statuses = overview.casesByStatus;
  const cases = statuses.reduce((sum, s) => sum + s.cases, 0);
  const most = largest(statuses, (s) => s.cases);
  const summary = most ? t('reports.cases.summary', { cases, status: caseStatusLabel(most.status, t), count: most.cases }) : t('reports.cases.summaryEmpty');
  const count = (n: number) => new Intl.NumberFormat(language === 'sv' ? 'sv-SE' : 'en-GB').format(n);
  return (
    <section aria-labelledby={headingId} className="card report">
      <h2 id={headingId}>{t('reports.cases.title')}</h2>
      <p className="report__intro">{t('reports.cases.intro')}</p>
      {statuses.length === 0 ? (
        <p role="img" aria-label={summary} className="report__empty">
          {t('reports.cases.empty')}
        </p>
      ) : (
        <>
          <HBarChart
            summary={summary}
            color={CASES_COLOUR}
            testId="chart-cases"
            rows={statuses.map((s) => ({ key: s.status, label: caseStatusLabel(s.status, t), value: s.cases, valueLabel: count(s.cases) }))}
          />
          <DataTable
            caption={t('reports.cases.title')}
            head={[t('reports.cases.status'), t('reports.cases.count')]}
            numeric={[false, true]}
            rows={statuses.map((s) => [caseStatusLabel(s.status, t), s.cases])}
            foot={[t('reports.total'), cases]}
          />
        </>
      )}
    </section>
  );
}

function Collected({ overview }: { overview: Overview }) {
  const { t, language } = useI18n();
  const headingId = useId();
  const months = overview.collected;
  const sum = (pick: (m: Overview['collected'][number]) => number) => months.reduce((total, m) => total + pick(m), 0);
  const total = sum((m) => m.totalOre);
  const during = sum((m) => m.duringCaseOre);
  const best = largest(months, (m) => m.totalOre);
  const first = months[0] ? monthAndYear(months[0].month, language) : '';
  const last = months.length ? monthAndYear(months[months.length - 1].month, language) : '';
  const summary = best
    ? t('reports.collected.summary', {
        first,
        last,
        total: formatMoney(total, language),
        during: formatMoney(during, language),
        month: monthAndYear(best.month, language),
        amount: formatMoney(best.totalOre, language),
      })
    : t('reports.collected.summaryEmpty', { first, last });
  const series = [
    { key: 'bank', label: t('reports.collected.bank'), color: SERIES_COLOURS.bank, values: months.map((m) => m.bankOre) },
    { key: 'manual', label: t('reports.collected.manual'), color: SERIES_COLOURS.manual, values: months.map((m) => m.manualOre) },
    { key: 'partner', label: t('reports.collected.partner'), color: SERIES_COLOURS.partner, values: months.map((m) => m.partnerOre) },
  ];
  const money = (ore: number) => formatMoney(ore, language);
  return (
    <section aria-labelledby={headingId} className="card report report--wide">
      <h2 id={headingId}>{t('reports.collected.title')}</h2>
      <p className="report__intro">{t('reports.collected.intro')}</p>
      <ColumnChart
        summary={summary}
        testId="chart-collected"
        columns={months.map((m) => ({ key: m.month, label: monthName(m.month, language, 'short'), group: m.month.slice(0, 4) }))}
        series={series}
        marker={{ label: t('reports.collected.duringCase'), values: months.map((m) => m.duringCaseOre) }}
        formatTick={money}
        formatValue={money}
        minStep={100}
      />
      <Legend
        label={t('reports.legend')}
        items={[...series.map((s) => ({ key: s.key, label: s.label, color: s.color })), { key: 'during', label: t('reports.collected.duringCase'), dot: true }]}
      />
      <DataTable
        caption={t('reports.collected.title')}
        head={[
          t('reports.collected.month'),
          t('reports.collected.bank'),
          t('reports.collected.manual'),
          t('reports.collected.partner'),
          t('reports.collected.duringCase'),
          t('reports.collected.total'),
        ]}
        numeric={[false, true, true, true, true, true]}
        rows={months.map((m) => [monthAndYear(m.month, language), money(m.bankOre), money(m.manualOre), money(m.partnerOre), money(m.duringCaseOre), money(m.totalOre)])}
        foot={[t('reports.total'), money(sum((m) => m.bankOre)), money(sum((m) => m.manualOre)), money(sum((m) => m.partnerOre)), money(during), money(total)]}
      />
    </section>
  );
}

export function ReportsPage(_props: Record<string, unknown> = {}) {
  const { api } = useApp();
  const { t, language } = useI18n();
  const load = useCallback(() => unwrap(api.GET('/api/reports/overview')), [api]);
  const overview = useResource(load);
  return (
    <div className="reports">
      <h1>{t('reports.title')}</h1>
      {overview.error !== undefined && <ErrorMessage error={overview.error} onRetry={overview.reload} />}
      {!overview.data && overview.loading && <Spinner />}
      {overview.data && (
        <>
          <p className="report__asof">{t('reports.asOf', { date: formatDate(overview.data.asOf, language) })}</p>
          <div className="reports__grid">
            <Collected overview={overview.data} />
            <Ageing overview={overview.data} />
            <CasesByStatus overview={overview.data} />
          </div>
        </>
      )}
    </div>
  );
}
