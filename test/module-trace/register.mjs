// Preload (`node --import ./register.mjs ...`) that appends every module the process loads to
// the file named by WEIR_MODULE_TRACE, one URL or path a line: ESM through a resolve hook, and
// CommonJS from require.cache when the process exits. Tests read it to prove what a command
// never imports.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const traceFile = process.env.WEIR_MODULE_TRACE;
if (traceFile) {
  register('./hooks.mjs', import.meta.url, { data: { traceFile } });
  const require = createRequire(import.meta.url);
  process.on('exit', () => {
    appendFileSync(traceFile, Object.keys(require.cache).map((file) => `${file}\n`).join(''));
  });
}
