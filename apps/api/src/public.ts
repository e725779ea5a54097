/** What other workspace packages (the admin tool) may use of the API: configuration and tokens. */
export { loadConfig, type AppConfig } from './config/app-config';
export { signToken, verifyToken, companyIdFor, type TokenClaims, type Role } from './shared/auth/tokens';
export { createApp } from './app';
export { openStorage } from './infrastructure/database/open-store';
