import { CdkTextareaAutosize } from '@angular/cdk/text-field';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  computed,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import {
  MatAutocompleteModule,
  MatAutocompleteTrigger,
  type MatAutocompleteSelectedEvent,
} from '@angular/material/autocomplete';
import { MatButton, MatIconButton } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInput } from '@angular/material/input';
import { type EmojiShortcodes, Limits } from '@app/shared';

import { EmojiPickerComponent } from '../../emoji/emoji-picker.component';
import { mentionQuery } from '../mentions';

/** An emoji for a partial `:shortcode`, or a name for a partial `@mention`. */
interface Suggestion {
  kind: 'emoji' | 'mention';
  /** Unique among the suggestions shown. */
  key: string;
  /** The emoji, or '@'. */
  icon: string;
  label: string;
  /** The whole compose text with the choice in place of the partial word. */
  value: string;
  caret: number;
}

/**
 * The compose box: Enter sends, Shift+Enter adds a line; `/w name text` whispers. `:shortcode:`
 * becomes its emoji as soon as the closing colon is typed; `:` and two letters open suggestions;
 * the 😊 button opens the (lazily loaded) picker.
 */
@Component({
  selector: 'app-compose-box',
  imports: [
    CdkTextareaAutosize,
    EmojiPickerComponent,
    MatAutocompleteModule,
    MatButton,
    MatIconButton,
    MatFormFieldModule,
    MatInput,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (recipient(); as to) {
      <div class="to" [class.away]="!recipientOnline()">
        <span data-testid="compose-recipient"
          >Private to <bdi>{{ to }}</bdi
          >{{ recipientOnline() ? '' : ' (offline)' }}</span
        >
        <button
          mat-button
          type="button"
          data-testid="send-public-instead"
          (click)="clearRecipient.emit()"
        >
          Send publicly instead
        </button>
      </div>
    }
    @defer (when pickerOpen()) {
      @if (pickerOpen()) {
        <div class="picker" (keydown.escape)="closePicker()">
          <app-emoji-picker (picked)="insert($event)" />
        </div>
      }
    }
    <div class="row">
      <button
        mat-icon-button
        type="button"
        class="emoji-button"
        data-testid="emoji-button"
        aria-label="Insert emoji"
        [attr.aria-expanded]="pickerOpen()"
        (click)="togglePicker()"
      >
        😊
      </button>
      <button
        mat-icon-button
        type="button"
        class="emoji-button"
        data-testid="file-button"
        [attr.aria-label]="
          recipient()
            ? 'Send a file to ' + recipient()
            : 'Send a file to everyone'
        "
        [disabled]="offline() || disabled()"
        (click)="fileInput.click()"
      >
        📎
      </button>
      <input
        #fileInput
        type="file"
        hidden
        data-testid="file-input"
        (change)="pickFile(fileInput)"
      />
      <mat-form-field
        appearance="outline"
        class="field"
        subscriptSizing="dynamic"
      >
        <mat-label>{{
          recipient() ? 'Private message' : 'Message everyone (or /w name text)'
        }}</mat-label>
        <textarea
          #box
          matInput
          data-testid="message-input"
          rows="1"
          cdkTextareaAutosize
          cdkAutosizeMaxRows="8"
          [value]="text()"
          [matAutocomplete]="suggestionsPanel"
          [attr.maxlength]="maxChars * 2"
          (input)="onInput()"
          (paste)="onPaste($event)"
          (click)="remember()"
          (keyup)="remember()"
          (keydown.enter)="onEnter($event)"
        ></textarea>
        <mat-autocomplete
          #suggestionsPanel="matAutocomplete"
          [autoActiveFirstOption]="true"
          [displayWith]="displayValue"
          (optionSelected)="onSuggestion($event)"
        >
          @for (s of suggestions(); track s.key) {
            <mat-option
              [value]="s"
              [attr.data-testid]="
                s.kind === 'emoji' ? 'emoji-suggestion' : 'mention-suggestion'
              "
            >
              <span class="suggestion-emoji">{{ s.icon }}</span
              ><bdi>{{ s.label }}</bdi>
            </mat-option>
          }
        </mat-autocomplete>
      </mat-form-field>
      <button
        mat-flat-button
        type="button"
        data-testid="send-button"
        [disabled]="disabled()"
        (click)="submit()"
      >
        Send
      </button>
    </div>
  `,
  styles: `
    :host {
      display: block;
      position: relative;
    }
    .row {
      display: flex;
      gap: 8px;
      align-items: center;
    }
    .field {
      flex: 1;
    }
    .to {
      font-size: 13px;
      color: light-dark(#5b21b6, #c4b5fd);
      display: flex;
      align-items: center;
      gap: 8px;
    }
    .to.away {
      color: var(--mat-sys-on-surface-variant);
    }
    .emoji-button {
      font-size: 22px;
      line-height: 1;
    }
    .picker {
      position: absolute;
      bottom: 100%;
      left: 8px;
      z-index: 10;
      margin-bottom: 4px;
    }
    .suggestion-emoji {
      font-size: 20px;
      margin-right: 8px;
    }
  `,
})
export class ComposeBoxComponent {
  readonly recipient = input<string>();
  /** Whether the recipient is online (offline, a send to them is refused). */
  readonly recipientOnline = input(true);
  /** Nothing can be sent (the server is not trusted, or the channel failed). */
  readonly disabled = input(false);
  /** Reconnecting: messages still go (into the outbox), files wait for the connection. */
  readonly offline = input(false);
  /** Shortcode data; until it has loaded the box works without emoji help. */
  readonly shortcodes = input<EmojiShortcodes>();
  readonly send = output<{ text: string; done: (sent: boolean) => void }>();
  readonly clearRecipient = output();
  /** A file chosen in the file chooser, to send to the same target as a message. */
  readonly file = output<File>();
  /** What the box holds after each keystroke (the typing notice decides who hears of it). */
  readonly typing = output<string>();
  /** Who an `@` can mention: the others online. */
  readonly users = input<string[]>([]);

  readonly text = signal('');
  readonly pickerOpen = signal(false);
  readonly maxChars = Limits.messageMaxChars;
  private readonly box =
    viewChild.required<ElementRef<HTMLTextAreaElement>>('box');
  private readonly trigger = viewChild.required(MatAutocompleteTrigger);
  /** Where the caret was, so the picker inserts there after it took the focus. */
  private caret = { start: 0, end: 0 };
  /** The partial word before the caret (`:sm` or `@al`, without its sign) and its context. */
  private readonly query = signal<
    | { kind: 'emoji' | 'mention'; word: string; before: string; after: string }
    | undefined
  >(undefined);

  readonly suggestions = computed<Suggestion[]>(() => {
    const query = this.query();
    if (!query) return [];
    const prefix = query.before.slice(
      0,
      query.before.length - query.word.length - 1,
    );
    const choose = (insert: string) => ({
      value: prefix + insert + query.after,
      caret: prefix.length + insert.length,
    });
    if (query.kind === 'mention') {
      const word = query.word.toLowerCase();
      return this.users()
        .filter((name) => name.toLowerCase().startsWith(word))
        .slice(0, 8)
        .map((name) => ({
          kind: 'mention',
          key: `@${name}`,
          icon: '@',
          label: name,
          ...choose(`@${name} `),
        }));
    }
    return (this.shortcodes()?.suggest(query.word) ?? []).map((s) => ({
      kind: 'emoji',
      key: s.shortcode,
      icon: s.native,
      label: `:${s.shortcode}:`,
      ...choose(s.native),
    }));
  });

  /** What the autocomplete writes into the box for a chosen suggestion: the whole new text. */
  readonly displayValue = (suggestion: Suggestion | string | null): string =>
    typeof suggestion === 'object' && suggestion !== null
      ? suggestion.value
      : (suggestion ?? '');

  onInput(): void {
    const element = this.box().nativeElement;
    let value = element.value;
    let caret = element.selectionStart;
    const shortcodes = this.shortcodes();
    // convert a shortcode the moment its closing colon is typed
    if (shortcodes && value[caret - 1] === ':') {
      const before = value.slice(0, caret);
      const converted = shortcodes.replace(before);
      if (converted !== before) {
        value = converted + value.slice(caret);
        caret = converted.length;
        this.setValue(value, caret);
      }
    }
    this.text.set(value);
    this.typing.emit(value);
    this.remember();
    const before = value.slice(0, caret);
    const after = value.slice(caret);
    const code = shortcodes?.typing(before);
    const name = mentionQuery(before);
    this.query.set(
      code
        ? { kind: 'emoji', word: code, before, after }
        : name !== undefined
          ? { kind: 'mention', word: name, before, after }
          : undefined,
    );
  }

  onSuggestion(event: MatAutocompleteSelectedEvent): void {
    const suggestion = event.option.value as Suggestion;
    this.setValue(suggestion.value, suggestion.caret);
    this.text.set(suggestion.value);
    this.query.set(undefined);
    this.remember();
  }

  onEnter(event: Event): void {
    // the autocomplete handles Enter first when an option is highlighted
    if (
      event.defaultPrevented ||
      (event as KeyboardEvent).shiftKey ||
      this.choosingSuggestion()
    )
      return;
    event.preventDefault();
    this.submit();
  }

  constructor() {
    // Tab picks the highlighted suggestion instead of leaving the box. Listened to in the
    // capture phase: the autocomplete would otherwise close its panel on Tab first.
    const host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
    const onTab = (event: KeyboardEvent) => {
      if (event.key !== 'Tab' || event.shiftKey || !this.choosingSuggestion())
        return;
      event.preventDefault();
      event.stopPropagation();
      this.trigger().activeOption?._selectViaInteraction();
    };
    host.addEventListener('keydown', onTab, true);
    inject(DestroyRef).onDestroy(() =>
      host.removeEventListener('keydown', onTab, true),
    );
  }

  /** Files pasted into the box go out like chosen ones; pasted text stays text. */
  onPaste(event: ClipboardEvent): void {
    const files = Array.from(event.clipboardData?.files ?? []);
    if (files.length === 0) return;
    event.preventDefault();
    for (const file of files) this.file.emit(file);
  }

  pickFile(input: HTMLInputElement): void {
    const [file] = Array.from(input.files ?? []);
    input.value = '';
    if (file) this.file.emit(file);
  }

  togglePicker(): void {
    this.pickerOpen.update((open) => !open);
  }

  closePicker(): void {
    this.pickerOpen.set(false);
    this.box().nativeElement.focus();
  }

  /** Puts the picked emoji where the caret was and gives the focus back to the box. */
  insert(native: string): void {
    const value = this.text();
    const { start, end } = this.caret;
    const next = value.slice(0, start) + native + value.slice(end);
    this.text.set(next);
    this.pickerOpen.set(false);
    this.setValue(next, start + native.length);
    this.box().nativeElement.focus();
    this.remember();
  }

  submit(): void {
    const text = this.text();
    if (!text.trim() || this.disabled()) return;
    this.send.emit({
      text,
      done: (sent) => {
        if (!sent) return;
        this.text.set('');
        this.setValue('', 0);
        this.query.set(undefined);
      },
    });
  }

  remember(): void {
    const element = this.box().nativeElement;
    this.caret = { start: element.selectionStart, end: element.selectionEnd };
  }

  private choosingSuggestion(): boolean {
    const trigger = this.trigger();
    return (
      trigger.panelOpen &&
      this.suggestions().length > 0 &&
      trigger.activeOption !== null
    );
  }

  // set directly so the caret lands where it belongs; the [value] binding then matches
  private setValue(value: string, caret: number): void {
    const element = this.box().nativeElement;
    element.value = value;
    element.setSelectionRange(caret, caret);
  }
}
