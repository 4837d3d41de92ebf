// Which hosts plain http may go to. A module of its own: the console's Connections form checks an
// address with it before any connector (and the HTTP layer they share) is loaded. The rule itself
// is the domain's (the configuration's checks use it too).
export { isLoopbackHost } from '../domain/hosts.js';
