// Swedish rules: identity numbers and payment references, calendar and bank days, dröjsmålsränta,
// statutory fees and the expected claim. Pure functions; time and configuration come in as arguments.
export * from './identity-numbers';
export * from './calendar';
export * from './interest';
export * from './fees';
export * from './expected-claim';
