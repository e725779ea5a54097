/** The partner's portal in Swedish: the creditor's overview (cases and payouts) and one case in full. */
import { dayToIso, epochDay } from '../dates';
import { balances, isClosed } from '../domain/ledger';
import { payoutAmountOre } from '../domain/payouts';
import { formatSek } from '../money';
import { type CaseRecord, type CaseState, type CaseStatus, type CostType, type SandboxState } from '../state/types';
import { html, page, type Html } from './html';

export const STATE_LABELS: Readonly<Record<CaseState, string>> = {
  initializing: 'Registrerat',
  invoice: 'Faktura',
  reminder: 'Påminnelse',
  debt_collection: 'Inkassokrav',
  decision: 'Beslut',
  enforcement: 'Kronofogden',
  surveillance: 'Efterbevakning',
};

export const STATUS_LABELS: Readonly<Record<CaseStatus, string>> = {
  active: 'Aktivt',
  disputed: 'Bestritt',
  respite: 'Anstånd',
  paid: 'Slutbetalt',
  cancelled: 'Återkallat',
  credited: 'Krediterat',
  written_off: 'Avskrivet',
  rejected: 'Avvisat',
};

const COST_LABELS: Readonly<Record<CostType, string>> = {
  reminder_fee: 'Påminnelseavgift',
  debt_collection_fee: 'Inkassoavgift',
  late_payment_compensation: 'Förseningsersättning',
};

/** `2026-10-01 14:05` in UTC, the sandbox's calendar. */
function when(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

export function overviewPage(state: SandboxState, now: number): string {
  const cases = Object.values(state.cases).sort((a, b) => b.updated - a.updated || a.id.localeCompare(b.id));
  const open = cases.filter((c) => !isClosed(c)).length;
  const rows = cases.map((c) => {
    const owed = balances(c, now);
    return html`<tr class="${isClosed(c) ? 'closed' : ''}">
<td><a href="/portal/cases/${encodeURIComponent(c.id)}">${c.invoiceNumber}</a></td>
<td>${state.creditors[c.creditor]?.name ?? c.creditor}</td>
<td>${c.debtor.name}</td>
<td>${STATE_LABELS[c.state] ?? c.state}</td>
<td><span class="status">${STATUS_LABELS[c.status] ?? c.status}</span></td>
<td class="num">${formatSek(c.capitalOriginalOre)}</td>
<td class="num">${formatSek(owed.totalRemainingOre)}</td>
<td>${when(c.updated)}</td>
</tr>`;
  });
  return page(
    'Ärenden',
    html`<h1>Ärenden</h1>
<p>Dagens datum i sandlådan: ${dayToIso(epochDay(now))}. ${cases.length} ärenden, varav ${open} pågående.</p>
${
  cases.length === 0
    ? html`<p>Inga ärenden ännu.</p>`
    : html`<table>
<thead><tr><th>Faktura</th><th>Borgenär</th><th>Gäldenär</th><th>Steg</th><th>Status</th><th class="num">Kapital</th><th class="num">Att betala</th><th>Uppdaterat</th></tr></thead>
<tbody>${rows}</tbody>
</table>`
}
${payoutsSection(state)}`,
  );
}

/** Newest first: what was paid out to which creditor, under the reference on the bank transfer. */
function payoutsSection(state: SandboxState): Html {
  const payouts = Object.values(state.payouts).sort((a, b) => b.payoutDay - a.payoutDay || b.created - a.created || a.id.localeCompare(b.id));
  if (payouts.length === 0) return html`<h2>Utbetalningar</h2>
<p>Inga utbetalningar ännu.</p>`;
  const rows = payouts.map((p) => {
    const capitalOre = p.items.reduce((sum, item) => sum + item.capitalOre, 0);
    const invoices = [...new Set(p.items.map((item) => item.invoiceNumber))].join(', ');
    return html`<tr>
<td>${dayToIso(p.payoutDay)}</td>
<td>${state.creditors[p.creditor]?.name ?? p.creditor}</td>
<td>${p.reference}</td>
<td>${invoices}</td>
<td class="num">${formatSek(capitalOre)}</td>
<td class="num">${formatSek(payoutAmountOre(p) - capitalOre)}</td>
<td class="num">${formatSek(payoutAmountOre(p))}</td>
</tr>`;
  });
  return html`<h2>Utbetalningar</h2>
<table>
<thead><tr><th>Datum</th><th>Borgenär</th><th>Referens</th><th>Fakturor</th><th class="num">Kapital</th><th class="num">Ränta</th><th class="num">Belopp</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
}

export function casePage(state: SandboxState, c: CaseRecord, now: number): string {
  const owed = balances(c, now);
  const creditor = state.creditors[c.creditor];
  const address = c.debtor.address;
  return page(
    `Faktura ${c.invoiceNumber}`,
    html`<p><a href="/portal">← Alla ärenden</a></p>
<h1>Faktura ${c.invoiceNumber}</h1>
<dl>
<dt>Ärende</dt><dd>${c.id}</dd>
<dt>OCR</dt><dd>${c.ocr}</dd>
<dt>Borgenär</dt><dd>${creditor ? `${creditor.name} (${creditor.organizationNumber})` : c.creditor}</dd>
<dt>Gäldenär</dt><dd>${c.debtor.name} (${c.debtor.isCompany ? 'företag' : 'privatperson'}, ${c.debtor.idNumber})</dd>
<dt>Adress</dt><dd>${[address.address_line_1, address.address_line_2, `${address.zip_code} ${address.city}`].filter(Boolean).join(', ')}</dd>
<dt>Kontakt</dt><dd>${[c.debtor.email, c.debtor.mobileNumber].filter(Boolean).join(', ') || '–'}</dd>
<dt>Beskrivning</dt><dd>${c.debtDescription ?? '–'}</dd>
<dt>Fakturadatum</dt><dd>${dayToIso(c.invoiceDay)}</dd>
<dt>Förfallodatum</dt><dd>${dayToIso(c.dueDay)}</dd>
<dt>Steg</dt><dd>${STATE_LABELS[c.state] ?? c.state}</dd>
<dt>Status</dt><dd><span class="status">${STATUS_LABELS[c.status] ?? c.status}</span>${c.respiteUntilDay !== null ? ` till ${dayToIso(c.respiteUntilDay)}` : ''}${c.rejectReason ? ` (${c.rejectReason})` : ''}</dd>
${c.next?.at != null ? html`<dt>Nästa steg</dt><dd>${STATE_LABELS[c.next.state] ?? c.next.state} ${when(c.next.at)}</dd>` : ''}
</dl>

<h2>Att betala</h2>
<table>
<tbody>
<tr><td>Kapital (ursprungligt ${formatSek(c.capitalOriginalOre)})</td><td class="num">${formatSek(owed.capitalRemainingOre)}</td></tr>
<tr><td>Dröjsmålsränta ${(owed.interestRateBasisPoints / 100).toFixed(2).replace('.', ',')} % (upplupen ${formatSek(owed.interestAccruedOre)})</td><td class="num">${formatSek(owed.interestRemainingOre)}</td></tr>
<tr><td>Avgifter (totalt ${formatSek(owed.costsTotalOre)})</td><td class="num">${formatSek(owed.costsRemainingOre)}</td></tr>
<tr><th>Totalt</th><th class="num">${formatSek(owed.totalRemainingOre)}</th></tr>
</tbody>
</table>

<h2>Avgifter</h2>
${
  c.costs.length === 0
    ? html`<p>Inga avgifter.</p>`
    : html`<table><thead><tr><th>Datum</th><th>Avgift</th><th class="num">Belopp</th></tr></thead><tbody>${c.costs.map(
        (cost) => html`<tr><td>${when(cost.at)}</td><td>${COST_LABELS[cost.type] ?? cost.type}</td><td class="num">${formatSek(cost.amountOre)}</td></tr>`,
      )}</tbody></table>`
}

<h2>Betalningar</h2>
${
  c.payments.length === 0
    ? html`<p>Inga betalningar.</p>`
    : html`<table><thead><tr><th>Datum</th><th>Betalare</th><th class="num">Belopp</th><th class="num">Avgifter</th><th class="num">Ränta</th><th class="num">Kapital</th><th>Referens</th><th>Utbetald</th></tr></thead><tbody>${c.payments.map(
        (p) =>
          html`<tr><td>${when(p.at)}</td><td>${p.origin === 'debtor' ? 'Gäldenären (till Amili)' : 'Till borgenären'}</td><td class="num">${formatSek(p.amountOre)}</td><td class="num">${formatSek(p.allocation.costsOre)}</td><td class="num">${formatSek(p.allocation.interestOre)}</td><td class="num">${formatSek(p.allocation.capitalOre)}</td><td>${p.reference ?? ''}</td><td>${paidOut(state, p.payout)}</td></tr>`,
      )}</tbody></table>`
}

<h2>Händelser</h2>
<table><thead><tr><th>Tid</th><th>Händelse</th></tr></thead><tbody>${c.log.map((entry) => html`<tr><td>${when(entry.at)}</td><td>${entry.text}</td></tr>`)}</tbody></table>`,
  );
}

/** A debtor payment's payout: its date and reference, '–' for fees only, empty until paid out. */
function paidOut(state: SandboxState, payout: string | null | undefined): string {
  if (payout === undefined) return '';
  const record = payout === null ? undefined : state.payouts[payout];
  return record ? `${dayToIso(record.payoutDay)} (ref. ${record.reference})` : '–';
}

export function notFoundPage(): string {
  return page('Hittades inte', html`<p><a href="/portal">← Alla ärenden</a></p><h1>Ärendet finns inte</h1><p>Kontrollera länken.</p>`);
}
