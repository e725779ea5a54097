import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Menu } from '../src/ui/Menu';

describe('Menu', () => {
  it('opens on the first item, moves with the arrows, selects, and closes on Escape back to its button', async () => {
    const user = userEvent.setup();
    const chosen: string[] = [];
    render(<Menu label="Åtgärder för faktura 1001" items={[{ key: 'a', label: 'Skicka', onSelect: () => chosen.push('a') }, { key: 'b', label: 'Kreditera', onSelect: () => chosen.push('b') }]} />);
    const button = screen.getByRole('button', { name: 'Åtgärder för faktura 1001' });
    await user.click(button);
    expect(screen.getByRole('menuitem', { name: 'Skicka' })).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    expect(screen.getByRole('menuitem', { name: 'Kreditera' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).toBeNull();
    expect(button).toHaveFocus();
    await user.click(button);
    await user.click(screen.getByRole('menuitem', { name: 'Kreditera' }));
    expect(chosen).toEqual(['b']);
  });
});
