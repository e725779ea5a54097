export * from './matching';
export * from './booking';
export * from './bank-payment';
