import { ErrorCode, ServerEvent } from '@app/shared';

import type { AuditService } from '../audit/audit.service';
import { DatabaseUnavailableException } from '../common/database-errors';
import { AppConfigService, loadConfig } from '../config/app-config.service';
import type { ChatSocket } from '../realtime/chat-socket';
import type { RealtimeService } from '../realtime/realtime.service';
import { MetricsService } from '../metrics/metrics.service';
import { LoginRefusals } from './login-refusals';
import { SessionsException } from './sessions.exception';

describe('LoginRefusals (L72)', () => {
  const socket = (id: string) =>
    ({
      id,
      connected: true,
      data: { addressHash: 'h' },
      disconnect: jest.fn(),
    }) as unknown as ChatSocket & { disconnect: jest.Mock };
  const realtime = { send: jest.fn(), metrics: new MetricsService() };
  const audit = { recordRepeatable: jest.fn(() => Promise.resolve()) };
  const refusals = new LoginRefusals(
    realtime as unknown as RealtimeService,
    audit as unknown as AuditService,
    new AppConfigService(loadConfig({ LOGIN_REFUSALS_PER_CONNECTION: '3' })),
  );
  const refuse = (s: ChatSocket, error: Error = reserved()) =>
    expect(
      refusals.counted(s, 'session:login', Promise.reject(error)),
    ).rejects.toBe(error);
  const reserved = () =>
    new SessionsException(ErrorCode.UsernameReserved, 'reserved', 'username');
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('L72: closes a connection at its third refusal, after telling it why; others keep theirs', async () => {
    const [a, b] = [socket('a'), socket('b')];
    await refuse(a);
    await refuse(a);
    await refuse(b);
    // an outage is not the client's doing
    await refuse(a, new DatabaseUnavailableException());
    await tick();
    expect(a.disconnect).not.toHaveBeenCalled();
    await refuse(a);
    await tick();
    expect(a.disconnect).toHaveBeenCalledWith(true);
    expect(b.disconnect).not.toHaveBeenCalled();
    expect(realtime.send).toHaveBeenCalledWith(
      a,
      ServerEvent.Exception,
      expect.objectContaining({
        code: ErrorCode.RateLimited,
        message: expect.stringContaining('Too many refused logins') as string,
      }),
    );
  });

  it('L72: a login that succeeds costs nothing', async () => {
    const s = socket('c');
    for (let i = 0; i < 5; i++)
      await refusals.counted(s, 'session:login', Promise.resolve());
    await tick();
    expect(s.disconnect).not.toHaveBeenCalled();
  });
});
