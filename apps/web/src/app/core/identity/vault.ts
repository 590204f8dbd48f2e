import { Injectable } from '@angular/core';

const DATABASE = 'fuv-chat';
const STORE = 'vault';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((done, fail) => {
    req.onsuccess = () => done(req.result);
    req.onerror = () => fail(req.error);
  });
}

/**
 * What this browser keeps about its own and its contacts' keys (IndexedDB: it stores
 * non-extractable `CryptoKey`s as they are, which localStorage cannot). Nothing here is ever
 * sent anywhere. When IndexedDB is refused (some private modes), values last for this page only.
 */
@Injectable({ providedIn: 'root' })
export class Vault {
  private readonly memory = new Map<string, unknown>();
  private readonly database: Promise<IDBDatabase | undefined> = this.open();

  async get<T>(key: string): Promise<T | undefined> {
    const db = await this.database;
    if (!db) return this.memory.get(key) as T | undefined;
    const store = db.transaction(STORE).objectStore(STORE);
    return (await request(store.get(key))) as T | undefined;
  }

  async put(key: string, value: unknown): Promise<void> {
    const db = await this.database;
    if (!db) {
      this.memory.set(key, value);
      return;
    }
    const transaction = db.transaction(STORE, 'readwrite');
    transaction.objectStore(STORE).put(value, key);
    await new Promise<void>((done, fail) => {
      transaction.oncomplete = () => done();
      transaction.onerror = () => fail(transaction.error);
    });
  }

  /** Stores `value` unless the key holds one already; resolves with what the key holds. */
  async keep<T>(key: string, value: T): Promise<T> {
    const db = await this.database;
    if (!db) {
      if (!this.memory.has(key)) this.memory.set(key, value);
      return this.memory.get(key) as T;
    }
    try {
      const store = db.transaction(STORE, 'readwrite').objectStore(STORE);
      await request(store.add(value, key));
      return value;
    } catch {
      // another tab stored one first: theirs is the one
      return (await this.get<T>(key)) ?? value;
    }
  }

  private async open(): Promise<IDBDatabase | undefined> {
    if (typeof indexedDB === 'undefined') return undefined;
    try {
      const opening = indexedDB.open(DATABASE, 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore(STORE);
      const db = await request(opening);
      // keys must not be evicted under storage pressure: losing one loses the name
      void navigator.storage?.persist?.().catch(() => false);
      return db;
    } catch {
      return undefined;
    }
  }
}
