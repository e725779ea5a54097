import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { PaymentsPage } from '../../src/features/payments/PaymentsPage';
import { renderWithApp } from '../support/render';
import { IMPORT_ID, importRecord, paymentRoutes } from './fixtures';

const camt = () => new File(['<Document>…</Document>'], 'camt054-nov.xml', { type: 'text/xml' });

describe('Uploading a bank file', () => {
  beforeEach(() => {
    jest.spyOn(crypto, 'randomUUID').mockReturnValue(IMPORT_ID as `${string}-${string}-${string}-${string}-${string}`);
  });
  afterEach(() => jest.restoreAllMocks());

  it('sends the file with its importId, shows the progress while it runs, then the report', async () => {
    const user = userEvent.setup();
    let answer: (value: { status: number; body: unknown }) => void = () => undefined;
    const { requests } = renderWithApp(
      <PaymentsPage />,
      paymentRoutes({
        'POST /api/payments/imports': () => new Promise((resolve) => (answer = resolve)),
        [`GET /api/payments/imports/${IMPORT_ID}`]: { body: importRecord({ status: 'running', processed: 3, finishedAt: null }) },
      }),
    );
    const input = screen.getByLabelText('Bankfil (camt.054 eller BgMax)');
    await user.upload(input, camt());
    expect(screen.getByText(/Vald fil: camt054-nov\.xml/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Läs in filen' }));

    const progress = await screen.findByRole('progressbar', { name: 'Förlopp för inläsningen' }, { timeout: 3000 });
    expect(progress).toHaveAttribute('value', '3');
    expect(progress).toHaveAttribute('max', '10');
    expect(screen.getByText('3 av 10 betalningar behandlade')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Läs in filen' })).toHaveAttribute('aria-disabled', 'true');
    await user.click(screen.getByRole('button', { name: 'Läs in filen' }));
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1);

    const upload = requests.find((r) => r.method === 'POST' && r.path === '/api/payments/imports')!;
    expect(upload.query.get('importId')).toBe(IMPORT_ID);
    expect(String(upload.body)).toContain('name="file"; filename="camt054-nov.xml"');
    expect(String(upload.body)).toContain('<Document>…</Document>');

    await act(async () =>
      answer({
        status: 201,
        body: { importId: IMPORT_ID, format: 'camt.054', payments: 10, matched: 7, partlyMatched: 1, unmatched: 2, duplicates: 0, warnings: [{ line: 40, message: 'A test file: entries are not booked.' }], sameFileAs: null },
      }),
    );
    const report = await screen.findByTestId('import-report');
    expect(within(report).getByRole('heading', { name: 'camt054-nov.xml är inläst' })).toHaveFocus();
    const stat = (label: string) => within(report).getByText(label).nextElementSibling?.textContent;
    expect(stat('Format')).toBe('camt.054');
    expect(stat('Betalningar i filen')).toBe('10');
    expect(stat('Matchade, fakturan betald')).toBe('7');
    expect(stat('Matchade, delbetalning')).toBe('1');
    expect(stat('Väntar på dig i kön')).toBe('2');
    expect(stat('Inlästa förut (bokförs inte igen)')).toBe('0');
    expect(within(report).getByText('Rad 40')).toBeInTheDocument();
    expect(within(report).getByText('A test file: entries are not booked.')).toBeInTheDocument();
    expect(within(report).getByRole('link', { name: 'Gå till kön med betalningar att hantera' })).toHaveAttribute('href', '#queue');
    // The history and the queue are loaded again after the import.
    await waitFor(() => expect(requests.filter((r) => r.path === '/api/payments/unmatched').length).toBeGreaterThanOrEqual(2));
    expect(requests.filter((r) => r.path === '/api/payments/imports' && r.method === 'GET').length).toBeGreaterThanOrEqual(2);
  });

  it('follows the import on the server when the connection drops during the upload', async () => {
    const user = userEvent.setup();
    let polls = 0;
    let polled: () => void = () => undefined;
    const firstPoll = new Promise<void>((resolve) => (polled = resolve));
    renderWithApp(
      <PaymentsPage />,
      paymentRoutes({
        'POST /api/payments/imports': async () => {
          await firstPoll;
          throw new TypeError('Failed to fetch');
        },
        [`GET /api/payments/imports/${IMPORT_ID}`]: () => {
          polls += 1;
          polled();
          return { body: polls < 2 ? importRecord({ status: 'running', processed: 5, finishedAt: null }) : importRecord() };
        },
      }),
    );
    await user.upload(screen.getByLabelText('Bankfil (camt.054 eller BgMax)'), camt());
    await user.click(screen.getByRole('button', { name: 'Läs in filen' }));
    expect(await screen.findByText('Kontakten bröts under inläsningen, men servern fortsätter. Vi visar resultatet när den är klar.')).toBeInTheDocument();
    const report = await screen.findByTestId('import-report', {}, { timeout: 4000 });
    expect(within(report).getByText('Väntar på dig i kön').nextElementSibling).toHaveTextContent('2');
  });

  it('says when this very file was imported before', async () => {
    const user = userEvent.setup();
    renderWithApp(
      <PaymentsPage />,
      paymentRoutes({
        'GET /api/payments/imports': { body: [importRecord({ importId: 'earlier', startedAt: '2026-11-01T08:00:00Z' })] },
        'POST /api/payments/imports': {
          status: 201,
          body: { importId: IMPORT_ID, format: 'bgmax', payments: 4, matched: 0, partlyMatched: 0, unmatched: 0, duplicates: 4, warnings: [], sameFileAs: 'earlier' },
        },
      }),
    );
    await user.upload(screen.getByLabelText('Bankfil (camt.054 eller BgMax)'), camt());
    await user.click(screen.getByRole('button', { name: 'Läs in filen' }));
    expect(await screen.findByText(/Exakt den här filen har lästs in förut \(.*2026.*\)\. Ingenting har bokförts två gånger\./)).toBeInTheDocument();
    expect(within(screen.getByTestId('import-report')).getByText('BgMax')).toBeInTheDocument();
  });

  it('lists every problem of a refused file with its line and XML path, and books nothing', async () => {
    const user = userEvent.setup();
    renderWithApp(
      <PaymentsPage />,
      paymentRoutes({
        'POST /api/payments/imports': {
          status: 422,
          body: {
            code: 'PAYMENT_FILE.INVALID',
            message: 'The file was not imported: 2 problem(s) found. Nothing was booked.',
            errors: [
              { line: 12, path: 'Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry[1]/Amt', message: 'The amount is not a number.' },
              { line: 30, message: 'The entry sum does not match its transactions.' },
            ],
          },
        },
      }),
      { language: 'en' },
    );
    await user.upload(screen.getByLabelText('Bank file (camt.054 or BgMax)'), camt());
    await user.click(screen.getByRole('button', { name: 'Import the file' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'The file was not imported' })).toHaveFocus();
    expect(within(alert).getByText('The file was not imported: 2 problem(s) found. Nothing was booked.')).toBeInTheDocument();
    expect(within(alert).getByText('What needs fixing (2):')).toBeInTheDocument();
    const items = within(screen.getByRole('list', { name: 'What needs fixing (2):' })).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('Line 12');
    expect(items[0]).toHaveTextContent('Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry[1]/Amt');
    expect(items[0]).toHaveTextContent('The amount is not a number.');
    expect(items[1]).toHaveTextContent('Line 30');
    expect(items[1]).toHaveTextContent('The entry sum does not match its transactions.');
    expect(screen.queryByText('PAYMENT_FILE.INVALID')).toBeNull();
  });

  it('shows a refusal without located errors (another account) as its message', async () => {
    const user = userEvent.setup();
    renderWithApp(
      <PaymentsPage />,
      paymentRoutes({
        'POST /api/payments/imports': { status: 422, body: { code: 'PAYMENT_FILE.WRONG_ACCOUNT', message: "The file is for 123-4567, not the company's bankgiro 5677-5612. Nothing was imported." } },
      }),
    );
    await user.upload(screen.getByLabelText('Bankfil (camt.054 eller BgMax)'), camt());
    await user.click(screen.getByRole('button', { name: 'Läs in filen' }));
    expect(await screen.findByText(/not the company's bankgiro 5677-5612/)).toBeInTheDocument();
    expect(screen.queryByText(/Det här behöver rättas/)).toBeNull();
  });

  it('takes a file dropped on the drop zone, and asks for a file when none is chosen', async () => {
    const user = userEvent.setup();
    const { requests } = renderWithApp(
      <PaymentsPage />,
      paymentRoutes({
        'POST /api/payments/imports': { status: 201, body: { importId: IMPORT_ID, format: 'camt.054', payments: 1, matched: 1, partlyMatched: 0, unmatched: 0, duplicates: 0, warnings: [], sameFileAs: null } },
      }),
    );
    await user.click(screen.getByRole('button', { name: 'Läs in filen' }));
    expect(screen.getByText('Välj en fil först.')).toBeInTheDocument();
    expect(screen.getByLabelText('Bankfil (camt.054 eller BgMax)')).toHaveFocus();
    expect(requests.some((r) => r.method === 'POST')).toBe(false);

    fireEvent.drop(screen.getByTestId('bank-file-dropzone'), { dataTransfer: { files: [camt()], types: ['Files'] } });
    expect(screen.getByText(/Vald fil: camt054-nov\.xml/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Läs in filen' }));
    expect(await screen.findByText('Inget att göra – alla nya betalningar hittade rätt.')).toBeInTheDocument();
  });

  it('shows the import history with status and counts, newest first', async () => {
    renderWithApp(
      <PaymentsPage />,
      paymentRoutes({
        'GET /api/payments/imports': {
          body: [
            importRecord({ importId: 'a', fileName: 'inbox-2.xml', source: 'inbox', status: 'running', processed: 4, payments: 9, finishedAt: null }),
            importRecord({ importId: 'b', fileName: 'bgmax.txt', format: 'bgmax', status: 'failed', error: 'The database went away.' }),
            importRecord({ importId: 'c', fileName: null, status: 'done' }),
          ],
        },
      }),
    );
    const table = await screen.findByRole('table', { name: 'Inlästa filer' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(4);
    expect(rows[1]).toHaveTextContent('inbox-2.xml');
    expect(rows[1]).toHaveTextContent('Bankens filkorg');
    expect(rows[1]).toHaveTextContent('Pågår – 4 av 9');
    expect(rows[2]).toHaveTextContent('Misslyckades');
    expect(rows[2]).toHaveTextContent('The database went away. Läs in samma fil igen för att fortsätta.');
    expect(rows[3]).toHaveTextContent('Fil utan namn');
    expect(rows[3]).toHaveTextContent('Klar');
  });
});
