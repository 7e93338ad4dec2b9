/**
 * The reading phase's running totals per kind, across the targets read together:
 * `rules 120/1000` once every list of that kind is complete, `rules 120/300…` while more pages
 * may come, and a bare count for a kind that cannot count ahead (Lex V1 lists bots, not
 * associations). Fed by TargetSession's onRead / onListed; its text is the phase's step text,
 * which the spinner shows and the CI heartbeat line repeats.
 */
import type { KindName } from '../kinds/types.js';

interface KindCount {
  read: number;
  found: number;
  /** Targets whose list of this kind reported at all / reported its end. */
  listing: Set<string>;
  complete: Set<string>;
}

export class ReadTally {
  private readonly kinds = new Map<KindName, KindCount>();

  /**
   * `label`: how a kind is named in the line (its config key, `rules`); `order`: where it goes
   * in the line (the registry's order, so the line does not reshuffle as kinds report).
   */
  constructor(
    private readonly label: (kind: KindName) => string = (k) => k,
    private readonly order: (kind: KindName) => number = () => 0,
  ) {}

  private count(kind: KindName): KindCount {
    let c = this.kinds.get(kind);
    if (!c) {
      c = { read: 0, found: 0, listing: new Set(), complete: new Set() };
      this.kinds.set(kind, c);
    }
    return c;
  }

  read(kind: KindName): void {
    this.count(kind).read++;
  }

  listed(target: string, kind: KindName, event: 'found' | 'complete'): void {
    const c = this.count(kind);
    c.listing.add(target);
    if (event === 'found') c.found++;
    else c.complete.add(target);
  }

  text(): string {
    return [...this.kinds]
      .sort(([a], [b]) => this.order(a) - this.order(b))
      .map(([kind, c]) => {
        if (!c.listing.size) return `${this.label(kind)} ${c.read}`;
        const done = c.complete.size === c.listing.size;
        return `${this.label(kind)} ${c.read}/${c.found}${done ? '' : '…'}`;
      })
      .join(', ');
  }
}
