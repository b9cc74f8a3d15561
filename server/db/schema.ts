export * from '../letters/table.js';
export * from '../signatures/table.js';
export * from '../organisations/table.js';
export * from '../organisers/table.js';
export * from '../mail/table.js';
export * from '../audit/table.js';
export * from '../abuse/table.js';
export * from '../jobs/table.js';
