import { Global, Module } from '@nestjs/common';

import { ClientAddressService } from './client-address.service';

/** What faces the network: client addresses behind proxies, and their hashes. */
@Global()
@Module({
  providers: [ClientAddressService],
  exports: [ClientAddressService],
})
export class EdgeModule {}
