#!/usr/bin/env node
// The `weir` command: Weir's compiled JavaScript (dist/), no TypeScript loader. DAG files are
// TypeScript and are compiled with esbuild when they load (sdk/load-bundled.ts).
try {
  await import('../dist/cli/main.js');
} catch (error) {
  // A checkout that was never built: say how to build it rather than print a resolver trace.
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/main.js')) {
    process.stderr.write('weir: dist/ is missing; run "npm run build" in the weir checkout first\n');
    process.exit(1);
  }
  throw error;
}
