/** `npm run kt:verify`: rebuilds the key-transparency tree from the database and checks every signed head. */
import { inertText as inert } from '@app/shared';

import { openDatabase, readCheckpointKeys } from '../audit/audit-cli.support';
import { verifyKeyLog } from './key-log-verify';

async function main(): Promise<void> {
  const { config, db } = await openDatabase();
  try {
    const report = await verifyKeyLog(
      db.manager,
      await readCheckpointKeys(config),
    );
    console.log(
      `Checked ${report.leaves} leaves and ${report.headsChecked} signed heads.`,
    );
    if (report.intact)
      console.log('Intact: every head is the signed root of the log.');
    for (const problem of report.problems)
      console.log(`PROBLEM: ${inert(problem)}`);
    process.exitCode = report.intact ? 0 : 1;
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`kt:verify failed: ${(error as Error).message}`);
  process.exit(2);
});
