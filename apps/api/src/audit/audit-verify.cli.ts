/** `npm run audit:verify`: recomputes the audit chain from the database and checks every signed checkpoint. */
import { verifyChain } from './audit-chain';
import { readCheckpoints } from './audit-checkpoints.repository';
import { inertText as inert } from '@app/shared';

import { openDatabase, readCheckpointKeys } from './audit-cli.support';
import { readChain } from './audit.repository';

async function main(): Promise<void> {
  const { config, db } = await openDatabase();
  try {
    const report = await verifyChain(
      readChain(db.manager),
      await readCheckpoints(db.manager),
      await readCheckpointKeys(config),
      { maxAgeMs: 2 * config.audit.checkpointSeconds * 1000 },
    );
    if (process.argv.includes('--json')) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      console.log(
        `Checked ${report.rowsChecked} rows and ${report.checkpointsChecked} signed checkpoints in ${report.elapsedMs} ms.`,
      );
      if (report.intact)
        console.log(
          `Intact: the audit log verifies up to row #${report.verifiedUpTo}.`,
        );
      if (report.firstBreak)
        console.log(
          `BROKEN at row #${report.firstBreak.id}: ${inert(report.firstBreak.message)} (verified up to #${report.verifiedUpTo}).`,
        );
      for (const problem of report.checkpointProblems)
        console.log(`CHECKPOINT PROBLEM: ${inert(problem.message)}`);
    }
    process.exitCode = report.intact ? 0 : 1;
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`audit:verify failed: ${(error as Error).message}`);
  process.exit(2);
});
