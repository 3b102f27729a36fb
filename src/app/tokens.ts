/** Injection tokens (symbols, never repeated strings). */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const PRISMA = Symbol('PRISMA');
export const TEMPORAL_CLIENT = Symbol('TEMPORAL_CLIENT');
export const CLOCK = Symbol('CLOCK');
export const SANDBOX_CONTROL = Symbol('SANDBOX_CONTROL');
export const PSP = Symbol('PSP');
/** The audit log of operator actions (`AuditLog`). */
export const AUDIT_LOG = Symbol('AUDIT_LOG');
