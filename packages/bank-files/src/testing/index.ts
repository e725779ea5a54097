// Bank files written from the specifications, for tests and benchmarks across the repository.
export { camt054, type TestPayment } from './camt054';
export { generateCamt054, makeOcr, writeCamt054, type GenerateCamt054Options, type GeneratedPayment } from './generate-camt054';
export { generateBgMax, writeBgMax, type GenerateBgMaxOptions } from './generate-bgmax';
export { seededRandom } from './seeded-random';
