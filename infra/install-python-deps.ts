/** `npx tsx infra/install-python-deps.ts`: installs the example DAGs' Python packages and prints the folder. */
import { ensurePythonDeps, exampleRequirements } from './python-deps.ts';

try {
  console.log(await ensurePythonDeps(exampleRequirements(), (line) => console.error(line)));
} catch (error) {
  console.error(`weir: ${(error as Error).message}`);
  process.exit(1);
}
