import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { ServerEvent } from '@app/shared';

import { KeyLogService } from '../core/identity/key-log.service';
import { Vault } from '../core/identity/vault';
import { NotifyService } from '../core/notify/notify.service';
import { SocketService } from '../core/realtime/socket.service';

/** What this browser remembers of a contact's identity key (in the vault, never sent). */
interface ContactRecord {
  name: string;
  /** Base64 SPKI, as the key log proved it. */
  key: string;
  verified: boolean;
  /** The key changed since this browser last accepted one. */
  changed: boolean;
}

/** A contact as the conversation shows them. */
export interface Contact extends ContactRecord {
  /** Sending is refused: a verified contact's key changed (E58). */
  blocked: boolean;
}

const recordKey = (name: string) => `contact:${name.toLowerCase()}`;

/**
 * The identity keys of the people this browser talks to privately: each proven in the key log,
 * remembered, and compared at every check. A changed key is shown in the conversation; for a
 * contact the user had verified, sending is blocked until they verify again or accept it (E58).
 */
@Injectable({ providedIn: 'root' })
export class ContactsStore {
  private readonly vault = inject(Vault);
  private readonly keyLog = inject(KeyLogService);
  private readonly socket = inject(SocketService);
  private readonly notify = inject(NotifyService);
  /** Checked contacts by lower-case name. */
  readonly contacts = signal<Record<string, Contact>>({});

  constructor() {
    const destroyRef = inject(DestroyRef);
    // a private message, or a contact coming back (perhaps from another browser): check the key
    this.socket
      .on(ServerEvent.PrivateMessageCreated)
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe(({ from, to }) => {
        for (const name of [from, to])
          if (!this.get(name)) void this.check(name);
      });
    this.socket
      .on(ServerEvent.UserJoined)
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe(({ user }) => {
        if (this.get(user.username)) void this.check(user.username);
      });
  }

  get(name: string): Contact | undefined {
    return this.contacts()[name.toLowerCase()];
  }

  /** True (and the user told why) when nothing may be sent to this contact now. */
  refuses(name: string): boolean {
    const contact = this.get(name);
    if (!contact?.blocked) return false;
    this.notify.error(
      `${contact.name}'s identity key changed after you verified it. Nothing was sent: verify the new safety number or accept the change first.`,
    );
    return true;
  }

  /** Proves the contact's key in the log and compares it with the one remembered. */
  async check(name: string): Promise<Contact | undefined> {
    const binding = await this.keyLog.keyOf(name);
    if (binding?.kind !== 'bind') return undefined;
    const kept = await this.vault.get<ContactRecord>(recordKey(name));
    const record: ContactRecord = !kept
      ? {
          name: binding.name,
          key: binding.key,
          verified: false,
          changed: false,
        }
      : kept.key === binding.key
        ? kept
        : { ...kept, key: binding.key, changed: true };
    return this.save(record);
  }

  /** The user compared the safety number with the contact: this key is the one. */
  markVerified(name: string): Promise<Contact | undefined> {
    return this.update(name, { verified: true, changed: false });
  }

  /** The user accepts a changed key without verifying it (the contact is unverified again). */
  acceptChange(name: string): Promise<Contact | undefined> {
    return this.update(name, { verified: false, changed: false });
  }

  private async update(
    name: string,
    changes: Partial<ContactRecord>,
  ): Promise<Contact | undefined> {
    const kept = await this.vault.get<ContactRecord>(recordKey(name));
    return kept && this.save({ ...kept, ...changes });
  }

  private async save(record: ContactRecord): Promise<Contact> {
    await this.vault.put(recordKey(record.name), record);
    const contact = { ...record, blocked: record.verified && record.changed };
    this.contacts.update((all) => ({
      ...all,
      [record.name.toLowerCase()]: contact,
    }));
    return contact;
  }
}
