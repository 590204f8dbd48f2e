// Preloaded into a server under `--cpu-prof` (npm run bench -- --profile DIR): Nest's shutdown
// hook re-raises SIGTERM once it has closed the app, which would kill the process before Node
// writes the profile. This listener turns that second SIGTERM into a normal exit.
let seen = 0;
process.on('SIGTERM', () => {
  if (++seen > 1) process.exit(0);
});
