// Puppeteer drives the Debian browsers the tests name (web-test-runner.config.mjs); it must not download its own,
// which fails offline and would make a plain `npm install` fail.
module.exports = { skipDownload: true };
