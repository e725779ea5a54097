/** Injection tokens for the storage ports (interfaces have no runtime value to inject by). */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const SQL_CLIENT = Symbol('SQL_CLIENT');
