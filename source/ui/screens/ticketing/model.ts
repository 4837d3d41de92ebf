// The Ticketing tab's draft and rules live in the domain (domain/ticketingDraft.ts): the console and `kmsp ticketing set` share them.
export * from '../../../domain/ticketingDraft.js';
