/** `npm run logs [-- --limit 50 --type login_accepted --user alice]`: recent audit events in the terminal. */
import { parseArgs } from 'node:util';

import { inertText as inert } from '@app/shared';

import { openDatabase } from './audit-cli.support';
import { AuditEventEntity } from './audit-event.entity';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      limit: { type: 'string', default: '50' },
      type: { type: 'string' },
      user: { type: 'string' },
    },
  });
  const limit = Math.min(Math.max(Number(values.limit) || 50, 1), 10_000);
  const { db } = await openDatabase();
  try {
    const qb = db.manager
      .createQueryBuilder(AuditEventEntity, 'e')
      .orderBy('e.id', 'DESC')
      .limit(limit);
    if (values.type) qb.andWhere('e.type = :type', { type: values.type });
    if (values.user)
      qb.andWhere('(e.actor = :user OR e.target = :user)', {
        user: values.user,
      });
    const rows = (await qb.getMany()).reverse();
    for (const row of rows) {
      const who = [row.actor, row.target && `→ ${row.target}`]
        .filter(Boolean)
        .join(' ');
      console.log(
        inert(
          `#${row.id}  ${row.at}  ${row.type.padEnd(20)} ${who.padEnd(24)} ${row.detail}`,
        ),
      );
    }
    if (rows.length === 0) console.log('No audit events match.');
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`logs failed: ${(error as Error).message}`);
  process.exit(2);
});
