import { BadRequestException, type PipeTransform } from '@nestjs/common';

/** Invoice numbers come from many invoicing programs: allow their usual characters, nothing that breaks a URL. */
export class InvoiceNumberPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._\-/]{0,49}$/.test(value))
      throw new BadRequestException({
        code: 'REQUEST.INVALID_INVOICE_NUMBER',
        message: 'An invoice number is 1–50 letters, digits, dots, dashes, underscores or slashes.',
      });
    return value;
  }
}

/** `If-Match: "7"` (or 7, or W/"7") → 7. A missing header means no version check. */
export function parseIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(value.trim());
  if (!match)
    throw new BadRequestException({ code: 'REQUEST.INVALID_IF_MATCH', message: 'If-Match must be the version from the ETag, such as "3".' });
  return Number(match[1]);
}
