/** The calls we owe the partner, each derived from one event of ours (see partner-outbox.projection.ts). */
export type PartnerJob =
  | { kind: 'link_creditor'; companyId: string }
  | { kind: 'register_case'; companyId: string; invoiceNumber: string; caseId: string; claimOre: number }
  | { kind: 'cancel_case'; companyId: string; invoiceNumber: string; caseId: string; reason: string }
  | { kind: 'request_respite'; companyId: string; invoiceNumber: string; caseId: string; until: string }
  | {
      kind: 'report_payment';
      companyId: string;
      invoiceNumber: string;
      caseId: string;
      paymentId: string;
      amountOre: number;
      paidOn: string;
      reference?: string;
    };

export interface QueuedJob {
  jobId: string;
  job: PartnerJob & { correlationId?: string };
  attempts: number;
}

/**
 * Jobs about one invoice run one at a time, in the order their events happened: register before
 * cancel, and an earlier case's cancellation before the next case's registration (the partner answers
 * a registration with the open case it already has for that invoice).
 */
export function orderingKey(job: PartnerJob): string {
  return job.kind === 'link_creditor' ? `company:${job.companyId}` : `invoice:${job.companyId}:${job.invoiceNumber}`;
}
