/**
 * A menu button (WAI-ARIA menu pattern): Enter, Space or ArrowDown opens it on the first item, the
 * arrows move, Escape closes it and returns focus to the button, a click outside closes it.
 */
import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';

export interface MenuItem {
  key: string;
  label: string;
  onSelect: () => void;
  /** Opens a link instead (e.g. the partner's portal); rendered as an anchor. */
  href?: string;
}

export function Menu({ label, items, buttonContent }: { label: string; items: MenuItem[]; buttonContent?: ReactNode }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const id = useId();
  const focusItem = (index: number) => {
    const elements = list.current?.querySelectorAll<HTMLElement>('[role="menuitem"]');
    if (!elements?.length) return;
    elements[(index + elements.length) % elements.length].focus();
  };
  useEffect(() => {
    if (!open) return;
    focusItem(0);
    const outside = (event: MouseEvent) => {
      if (!list.current?.contains(event.target as Node) && !button.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [open]);
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const onListKey = (event: KeyboardEvent) => {
    const elements = [...(list.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const index = elements.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'ArrowDown') focusItem(index + 1);
    else if (event.key === 'ArrowUp') focusItem(index - 1);
    else if (event.key === 'Home') focusItem(0);
    else if (event.key === 'End') focusItem(elements.length - 1);
    else if (event.key === 'Escape' || event.key === 'Tab') close();
    else return;
    event.preventDefault();
  };
  return (
    <div className="menu">
      <button
        ref={button}
        type="button"
        className="button button--ghost menu__button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={id}
        aria-label={label}
        disabled={items.length === 0}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            setOpen(true);
          }
        }}
      >
        {buttonContent ?? '⋯'}
      </button>
      {open && (
        <ul ref={list} id={id} role="menu" aria-label={label} className="menu__list" onKeyDown={onListKey}>
          {items.map((item) => (
            <li key={item.key} role="none">
              {item.href ? (
                <a role="menuitem" tabIndex={-1} href={item.href} target="_blank" rel="noreferrer" onClick={() => setOpen(false)}>
                  {item.label}
                </a>
              ) : (
                <button
                  role="menuitem"
                  tabIndex={-1}
                  type="button"
                  onClick={() => {
                    setOpen(false);
                    item.onSelect();
                  }}
                >
                  {item.label}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
