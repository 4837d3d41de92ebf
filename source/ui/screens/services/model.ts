// The Services tab's rules live in the domain (domain/servicesDraft.ts): the console and `kmsp services map` share them.
export * from '../../../domain/servicesDraft.js';
