import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../src/app/App';
import { renderWithApp } from './support/render';

describe('The shell', () => {
  beforeEach(() => window.history.replaceState(null, '', '/invoices'));

  it('shows the company, the main menu, the partner portal and switches language', async () => {
    renderWithApp(<App />);
    expect(await screen.findByText('Demo Bygg & Service AB')).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Huvudmeny' });
    expect(within(nav).getByRole('link', { name: 'Fakturor' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('link', { name: /Inkassopartnerns portal/ })).toHaveAttribute('href', 'http://partner.test/portal');
    await userEvent.selectOptions(screen.getByLabelText('Språk'), 'en');
    expect(within(screen.getByRole('navigation', { name: 'Main menu' })).getByRole('link', { name: 'Invoices' })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('en');
  });
});
