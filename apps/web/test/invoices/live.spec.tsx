import { act, screen, waitFor, within } from '@testing-library/react';
import { InvoiceListPage } from '../../src/features/invoices/InvoiceListPage';
import { renderWithApp } from '../support/render';
import { invoice, page } from './fixtures';

const REQUESTED = invoice('1001', { status: 'requested', caseId: 'c1', sentAt: '2026-11-10T10:00:00Z', allowedActions: ['close_case'], version: 4 });

describe('Live status in the list', () => {
  beforeEach(() => window.history.replaceState(null, '', '/invoices'));

  it('updates the row when the invoice changes, without a reload, and announces it politely', async () => {
    const { live, requests } = renderWithApp(<InvoiceListPage />, { 'GET /api/invoices': { body: page([REQUESTED, invoice('1002')]) } });
    const row = (await screen.findByRole('link', { name: '1001' })).closest('tr')!;
    expect(within(row).getByText('Skickad')).toBeInTheDocument();
    const loads = requests.length;
    const focused = document.activeElement;
    act(() => live.push({ type: 'invoice.changed', data: { ...REQUESTED, status: 'reminder_sent', allowedActions: ['close_case', 'pause_case'], version: 6 } }));
    expect(within(row).getByText('Påminnelse skickad')).toHaveClass('chip');
    expect(screen.getByTestId('live-announcement')).toHaveTextContent('Faktura 1001 har nu status: Påminnelse skickad');
    expect(screen.getByTestId('live-announcement')).toHaveAttribute('aria-live', 'polite');
    expect(document.activeElement).toBe(focused);
    expect(requests.length).toBe(loads);
    // An older view arriving late changes nothing.
    act(() => live.push({ type: 'invoice.changed', data: { ...REQUESTED, version: 5 } }));
    expect(within(row).getByText('Påminnelse skickad')).toBeInTheDocument();
    // An invoice not on this page is left alone.
    act(() => live.push({ type: 'invoice.changed', data: invoice('9999', { status: 'disputed' }) }));
    expect(screen.queryByRole('link', { name: '9999' })).toBeNull();
  });

  it('reloads what it shows after the live connection comes back', async () => {
    let status: 'requested' | 'debt_collection' = 'requested';
    const { live, requests } = renderWithApp(<InvoiceListPage />, { 'GET /api/invoices': () => ({ body: page([{ ...REQUESTED, status }]) }) });
    await screen.findByRole('link', { name: '1001' });
    status = 'debt_collection';
    act(() => live.push({ type: 'reconnected' }));
    await waitFor(() => expect(within(screen.getByRole('link', { name: '1001' }).closest('tr')!).getByText('Inkasso')).toBeInTheDocument());
    expect(requests.filter((r) => r.path === '/api/invoices')).toHaveLength(2);
  });
});
