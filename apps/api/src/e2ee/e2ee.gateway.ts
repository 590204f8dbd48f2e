import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
} from '@nestjs/websockets';
import { ClientEvent } from '@app/shared';

import { ChatGateway } from '../realtime/chat-gateway.decorator';
import type { ChatSocket } from '../realtime/chat-socket';
import { Roster } from '../sessions/roster';
import { KeyPackageClaimDto, KeyPackagesDto } from './dto/key-packages.dto';
import { KeyPackagesService } from './key-packages.service';

@ChatGateway()
export class E2eeGateway {
  constructor(
    private readonly keyPackages: KeyPackagesService,
    private readonly roster: Roster,
  ) {}

  @SubscribeMessage(ClientEvent.KeyPackagesPublish)
  publish(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() dto: KeyPackagesDto,
  ): void {
    this.keyPackages.publish(
      this.roster.require(socket),
      dto.packages,
      dto.lastResort,
    );
  }

  @SubscribeMessage(ClientEvent.KeyPackageClaim)
  async claim(
    @ConnectedSocket() socket: ChatSocket,
    @MessageBody() dto: KeyPackageClaimDto,
  ): Promise<void> {
    await this.keyPackages.claim(this.roster.require(socket), dto.name);
  }
}
