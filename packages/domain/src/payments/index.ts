export * from './references';
export * from './matching';
export * from './booking';
export * from './bank-payment';
export * from './partner-payout';
