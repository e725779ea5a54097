import { enCatalog, svCatalog } from '../src/i18n/catalog';
import { translator } from '../src/i18n/i18n';

describe('The texts', () => {
  it('exist in Swedish and English for every key, none empty', () => {
    expect(Object.keys(enCatalog).sort()).toEqual(Object.keys(svCatalog).sort());
    for (const [key, text] of [...Object.entries(svCatalog), ...Object.entries(enCatalog)]) expect({ key, empty: text.trim() === '' }).toEqual({ key, empty: false });
  });
  it('fill placeholders', () => {
    expect(translator('sv')('app.signedInAs', { name: 'Anna' })).toBe('Inloggad som Anna');
    expect(translator('en')('app.signedInAs', { name: 'Anna' })).toBe('Signed in as Anna');
  });
});
