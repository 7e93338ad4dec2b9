/**
 * The journal of creates and replaces in flight (src/engine/pending.ts) on its own: what it keeps
 * on disk, when entries go, and which live resource a journaled create may adopt. Time is an
 * injected clock.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_MS, Journal, TOKEN_RECORD_TTL_MS } from '../../src/engine/pending.js';
import { liveKey } from '../../src/engine/planner.js';
import { DEFAULT_CALL_BUDGET_MS } from '../../src/aws/timeouts.js';
import type { LiveResource } from '../../src/kinds/types.js';
import { tempDir } from '../helpers/cli.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const clock = (start = T0) => {
  const c = { t: start, now: () => c.t };
  return c;
};
const template = (id: string, o: Partial<LiveResource> = {}): LiveResource => ({
  kind: 'taskTemplate',
  key: 'Intake',
  id,
  body: { Name: 'Intake' },
  managed: false,
  version: 'v',
  ...o,
});
const fileIn = () => join(tempDir('journal-'), 'j.json');

describe('journal', () => {
  it('keeps creates and replaces on disk: a new process (a re-run) reads them back', () => {
    const file = fileIn();
    const a = new Journal(file, clock().now);
    const nonce = a.begin('rule', 'r');
    a.beginReplace('rule', 'flip', { oldId: 'old-1', oldBody: { Name: 'flip', V: 1 } });

    const b = new Journal(file, clock().now);
    expect(b.begin('rule', 'r')).toBe(nonce); // the re-run sends the same token
    expect(b.interruptedReplace('rule', 'flip')).toEqual({ oldId: 'old-1', oldBody: { Name: 'flip', V: 1 } });
    expect(b.interruptedReplaces('rule')).toEqual([
      { name: 'flip', replaced: { oldId: 'old-1', oldBody: { Name: 'flip', V: 1 } } },
    ]);
    expect(b.interruptedReplaces('customAction')).toEqual([]);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.format).toBe(3);
    expect(Object.keys(doc.replaces)).toEqual([liveKey('rule', 'flip')]);
  });

  it('migrates a format-2 journal: a replaced rule whose Function was kept as a string is still restorable', () => {
    const file = fileIn();
    const oldFunction = '{"Version":"2022-11-25","RuleFunction":{"Operator":"AND","Operands":[]}}';
    const oldBody = { Name: 'flip', Function: oldFunction };
    writeFileSync(
      file,
      JSON.stringify({
        format: 2,
        creates: {},
        replaces: { [liveKey('rule', 'flip')]: { oldId: 'old-1', oldBody, at: T0 } },
      }),
    );
    const j = new Journal(file, clock().now);
    // create sends a string Function as it is (src/kinds/rule-function/document.ts wireFunction).
    expect(j.interruptedReplace('rule', 'flip')).toEqual({ oldId: 'old-1', oldBody });
    j.begin('rule', 'other'); // the next save writes format 3
    expect(JSON.parse(readFileSync(file, 'utf8')).format).toBe(3);
  });

  it('reads the journals of earlier versions (a list of keys; the creates alone)', () => {
    const file = fileIn();
    writeFileSync(file, JSON.stringify({ [liveKey('rule', 'old')]: { nonce: 'n-1', at: T0 } }));
    expect(new Journal(file, clock().now).begin('rule', 'old')).toBe('n-1');
    writeFileSync(file, JSON.stringify([liveKey('rule', 'older')]));
    expect(new Journal(file, clock().now).has('rule', 'older')).toBe(true);
  });

  it('forgets entries past the token window, old bodies included', () => {
    const file = fileIn();
    const c = clock();
    const a = new Journal(file, c.now);
    a.begin('rule', 'r');
    a.beginReplace('rule', 'flip', { oldId: 'old-1', oldBody: {} });
    c.t += TOKEN_RECORD_TTL_MS - 1;
    expect(new Journal(file, c.now).has('rule', 'r')).toBe(true);
    c.t += 1;
    const late = new Journal(file, c.now);
    expect(late.has('rule', 'r')).toBe(false);
    expect(late.interruptedReplace('rule', 'flip')).toBeUndefined();
  });

  it('a create that returned its id made a resource: if that is gone, the next create gets a new token', () => {
    const j = new Journal(undefined, clock().now);
    const first = j.begin('taskTemplate', 'Intake');
    j.created('taskTemplate', 'Intake', 'tt-1');
    expect(j.begin('taskTemplate', 'Intake')).not.toBe(first);
  });

  it('a delete of the resource (prune) clears its create and replace entries', () => {
    const j = new Journal(undefined, clock().now);
    j.begin('rule', 'r');
    j.beginReplace('rule', 'r', { oldId: 'old', oldBody: {} });
    j.forget('rule', 'r');
    expect(j.has('rule', 'r')).toBe(false);
    expect(j.interruptedReplace('rule', 'r')).toBeUndefined();
  });

  describe('adoption of an unmarked resource named like a journaled create', () => {
    it('none without a journaled create', () => {
      expect(new Journal(undefined, clock().now).adoption('taskTemplate', 'Intake', template('tt-1'))).toBeUndefined();
    });

    it('by the id the create returned, and only that one', () => {
      const j = new Journal(undefined, clock().now);
      j.begin('taskTemplate', 'Intake');
      j.created('taskTemplate', 'Intake', 'tt-ours');
      // Created in the very same second: the id still tells them apart.
      expect(
        j.adoption('taskTemplate', 'Intake', template('tt-ours', { createdAt: new Date(T0).toISOString() }))?.adopt,
      ).toBe(true);
      const theirs = j.adoption(
        'taskTemplate',
        'Intake',
        template('tt-console', { createdAt: new Date(T0).toISOString() }),
      );
      expect(theirs).toMatchObject({
        adopt: false,
        why: expect.stringContaining('returned id tt-ours, this one is tt-console'),
      });
    });

    it('without a returned id: by a creation time inside the window of the latest attempt, never outside or unknown', () => {
      const c = clock();
      const j = new Journal(undefined, c.now);
      j.begin('taskTemplate', 'Intake'); // first attempt, at T0: found nothing, so made nothing
      c.t += 3600_000;
      j.begin('taskTemplate', 'Intake'); // the re-run's attempt, killed while the call was out
      const at = (ms: number) => template('tt-1', { createdAt: new Date(ms).toISOString() });
      const attempt = T0 + 3600_000;
      expect(j.adoption('taskTemplate', 'Intake', at(attempt + 200))?.adopt).toBe(true);
      expect(j.adoption('taskTemplate', 'Intake', at(attempt - CLOCK_SKEW_MS))?.adopt).toBe(true);
      expect(j.adoption('taskTemplate', 'Intake', at(attempt + DEFAULT_CALL_BUDGET_MS + CLOCK_SKEW_MS))?.adopt).toBe(
        true,
      );
      expect(j.adoption('taskTemplate', 'Intake', at(attempt - CLOCK_SKEW_MS - 1))?.adopt).toBe(false);
      expect(
        j.adoption('taskTemplate', 'Intake', at(attempt + DEFAULT_CALL_BUDGET_MS + CLOCK_SKEW_MS + 1)),
      ).toMatchObject({ adopt: false, why: expect.stringMatching(/someone else made it/) });
      expect(j.adoption('taskTemplate', 'Intake', at(T0 + 10))?.adopt).toBe(false); // the first attempt's window no longer counts
      expect(j.adoption('taskTemplate', 'Intake', template('tt-1'))).toMatchObject({
        adopt: false,
        why: expect.stringMatching(/creation time is unknown/),
      });
    });
  });

  describe('settle (at the start of an apply, with the live state its plan read)', () => {
    const live = (...items: LiveResource[]) => new Map(items.map((l) => [liveKey(l.kind, l.key), l]));

    it('clears creates whose resource carries the marker, and those whose resource is not ours', () => {
      const j = new Journal(undefined, clock().now);
      j.begin('rule', 'marked');
      j.begin('taskTemplate', 'Intake');
      j.created('taskTemplate', 'Intake', 'tt-ours');
      j.begin('taskTemplate', 'Mine');
      j.created('taskTemplate', 'Mine', 'tt-mine');
      j.begin('taskTemplate', 'Missing');
      j.settle(
        ['rule', 'taskTemplate'],
        live(
          { kind: 'rule', key: 'marked', id: 'r-1', body: {}, managed: true, version: 'v' },
          template('tt-console'),
          { ...template('tt-mine'), key: 'Mine' },
        ),
      );
      expect(j.has('rule', 'marked')).toBe(false);
      expect(j.has('taskTemplate', 'Intake')).toBe(false); // someone else's: our create made nothing
      expect(j.has('taskTemplate', 'Mine')).toBe(true); // ours, unmarked: the plan's mark clears it
      expect(j.has('taskTemplate', 'Missing')).toBe(true); // not there: a re-run replays its token
    });

    it('clears replaces whose resource exists again, and leaves kinds that were not read alone', () => {
      const j = new Journal(undefined, clock().now);
      j.beginReplace('rule', 'back', { oldId: 'old', oldBody: {} });
      j.beginReplace('rule', 'gone', { oldId: 'old-2', oldBody: {} });
      j.beginReplace('customAction', 'act', { oldId: 'old-3', oldBody: {} });
      j.settle(
        ['rule'],
        live(
          { kind: 'rule', key: 'back', id: 'new', body: {}, managed: true, version: 'v' },
          { kind: 'customAction', key: 'act', id: 'new-3', body: {}, managed: true, version: 'v' },
        ),
      );
      expect(j.interruptedReplace('rule', 'back')).toBeUndefined();
      expect(j.interruptedReplace('rule', 'gone')).toBeDefined();
      expect(j.interruptedReplace('customAction', 'act')).toBeDefined();
    });
  });
});
