import { detectFormat, parseBankFile } from '../src';
import { fixture } from './helpers';

describe('detectFormat / parseBankFile', () => {
  it('dispatches BgMax and camt.054', () => {
    expect(detectFormat(fixture('bgmax', 'utf8-bom.txt'))).toEqual({ format: 'bgmax' });
    expect(detectFormat(fixture('camt054', 'v08-batch.xml'))).toEqual({ format: 'camt.054' });
    expect(parseBankFile(fixture('bgmax', 'lf-tabs-deduction.latin1.txt'))).toMatchObject({ ok: true, format: 'bgmax' });
    expect(parseBankFile(fixture('camt054', 'v02-credits.xml'), 'x.xml')).toMatchObject({ ok: true, format: 'camt.054' });
  });

  it('unknown content is a located error naming the file', () => {
    expect(parseBankFile(Buffer.from('Datum;Belopp\n2026-03-02;100,00\n'), 'export.csv')).toEqual({
      ok: false,
      errors: [{ line: 1, message: 'export.csv: Unknown bank file format. Neither a camt.054 XML file nor a BgMax file (which starts with "01BGMAX").' }],
    });
    expect(parseBankFile(Buffer.from('<html><body/></html>'))).toMatchObject({ ok: false, errors: [{ line: 1 }] });
    expect(parseBankFile(Buffer.from('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt/></Document>'))).toMatchObject({
      ok: false,
      errors: [{ line: 1, message: expect.stringMatching(/camt\.053/) }],
    });
    expect(parseBankFile(Buffer.alloc(0))).toMatchObject({ ok: false, errors: [{ line: 1 }] });
  });
});
