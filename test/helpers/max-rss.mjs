// Preloaded (`--import`) into a child process to report its peak resident set size on exit, for memory-bound tests.
process.on('exit', () => process.stderr.write(`max-rss-kib ${process.resourceUsage().maxRSS}\n`));
