#!/usr/bin/env node
// Thin launcher: runs the CLI compiled to dist/ by `npm install` (prepare) or `npm run build`.
// Colour is decided here, before anything that loads chalk: chalk ignores NO_COLOR,
// but honours FORCE_COLOR=0.
const argv = process.argv.slice(2);
if ((process.env.NO_COLOR ?? '') !== '' || argv.includes('--no-color') || process.env.TERM === 'dumb') {
  process.env.FORCE_COLOR = '0';
}

// React's development build checks far more on every render; the console is a product, not a dev server.
process.env.NODE_ENV ??= 'production';

try {
  const { main } = await import('../dist/cli.js');
  await main(process.argv);
} catch (error) {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    console.error('kmsp is not built yet: run `npm install` (or `npm run build`) in the kmsp folder first.');
    process.exitCode = 1;
  } else {
    throw error;
  }
}
