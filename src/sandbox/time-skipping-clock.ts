/**
 * The sandbox clock's own connection to Temporal's time-skipping test server: no keepalive pings
 * and no retries. The environment's default connection pings every 30 s; the test server
 * (grpc-java) allows one ping per 5 minutes and closes the connection ("too_many_pings") on the
 * third, so an advance whose work takes longer than about 90 s lost its
 * `unlockTimeSkippingWithSleep` call, which the retry interceptor then sent again with the full
 * duration: the clock never arrived and the advance never answered (seen with 1,000 contracts in
 * bench/invoice-run.ts, and in `start:sandbox` with long advances).
 */
import { Connection } from '@temporalio/client';
// NOTE: the SDK's own test environment opens its test-service connection the same way.
import { InternalConnectionOptionsSymbol } from '@temporalio/client/lib/connection';
import { msToTs, tsToMs } from '@temporalio/common/lib/time';

/** What the sandbox control needs of the test server: skip ahead, and read its time. */
export interface TimeSkippingClock {
  sleep(ms: number): Promise<void>;
  currentTimeMs(): Promise<number>;
}

/** Connects the clock to the test server at `address`; `close()` when the sandbox stops. */
export async function connectTimeSkippingClock(address: string): Promise<{ clock: TimeSkippingClock; close: () => Promise<void> }> {
  const connection = await Connection.connect({
    address,
    channelArgs: { 'grpc.keepalive_time_ms': -1, 'grpc.keepalive_permit_without_calls': 0 },
    interceptors: [],
    [InternalConnectionOptionsSymbol]: { supportsTestService: true },
  } as Parameters<typeof Connection.connect>[0]);
  const testService = connection.testService;
  if (!testService) {
    await connection.close();
    throw new Error(`no test service at ${address}: the sandbox clock needs Temporal's time-skipping test server`);
  }
  return {
    clock: {
      async sleep(ms: number) {
        await testService.unlockTimeSkippingWithSleep({ duration: msToTs(ms) });
      },
      async currentTimeMs() {
        return tsToMs((await testService.getCurrentTime({})).time);
      },
    },
    close: () => connection.close(),
  };
}
