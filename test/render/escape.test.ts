/**
 * The escaping functions, one per destination. The "dangerous" set (./dangerous.ts) is written with
 * Unicode properties, independently of the implementation's list, so a character missed there fails here.
 */
import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  escapeJsonText,
  escapeMarkdownInline,
  escapeTerminal,
  escapeTerminalLines,
  escapeWorkflowData,
  escapeWorkflowProperty,
  markdownCode,
  markdownCodeCell,
} from '../../src/render/escape.js';
import { DANGEROUS } from './dangerous.js';

/** What a hidden character becomes. */
const VISIBLE_ESCAPE = /^(\\x[0-9a-f]{2}|\\u[0-9a-f]{4}|\\u\{[0-9a-f]+\}|\\[nrt])$/;

describe('escapeTerminal', () => {
  it('shows every control, bidi and invisible format character in 0..0x3000 as a visible escape, and leaves all else alone', () => {
    let escaped = 0;
    const wrong: string[] = [];
    for (let cp = 0; cp <= 0x3000; cp++) {
      const ch = String.fromCodePoint(cp);
      const out = escapeTerminal(ch);
      const dangerous = DANGEROUS.test(ch);
      if (dangerous) escaped++;
      if (dangerous ? !VISIBLE_ESCAPE.test(out) : out !== ch)
        wrong.push(`U+${cp.toString(16)} → ${JSON.stringify(out)}`);
      // inside a longer value too, nothing dangerous survives
      if (DANGEROUS.test(escapeTerminal(`a${ch}b`))) wrong.push(`U+${cp.toString(16)} inside a value`);
    }
    expect(wrong).toEqual([]);
    expect(escaped).toBeGreaterThan(32 + 1 + 32 + 10); // C0, DEL, C1, bidi and more were all exercised
  });

  it('writes escapes the way JavaScript does', () => {
    expect(escapeTerminal('a\x1b[2Jb')).toBe('a\\x1b[2Jb');
    expect(escapeTerminal('x\ny\rz\tw')).toBe('x\\ny\\rz\\tw');
    expect(escapeTerminal('\x7f\x85\x9b')).toBe('\\x7f\\x85\\x9b');
    expect(escapeTerminal('abc\u202edef\u2066\u2069\u200e\u200f\u061c')).toBe(
      'abc\\u202edef\\u2066\\u2069\\u200e\\u200f\\u061c',
    );
    expect(escapeTerminal('a\u2028b\u2029c')).toBe('a\\u2028b\\u2029c');
    expect(escapeTerminal('zero\u200bwidth\ufeff')).toBe('zero\\u200bwidth\\ufeff');
  });

  it('leaves accents, CJK, emoji (with joiners and variation selectors) and astral letters untouched', () => {
    for (const s of [
      'Crème brûlée',
      'ルール名',
      '中文规则',
      '😀',
      '👨\u200d👩\u200d👧',
      '❤\ufe0f',
      '𝒳',
      'Ελληνικά',
      'עברית',
      'مرحبا',
    ]) {
      expect(escapeTerminal(s)).toBe(s);
    }
  });

  it('shows lone surrogates and tag characters (invisible ASCII look-alikes) escaped', () => {
    expect(escapeTerminal('a\ud800b\udfffc')).toBe('a\\ud800b\\udfffc');
    expect(escapeTerminal('ok\u{e0041}\u{e0042}')).toBe('ok\\u{e0041}\\u{e0042}');
    expect(escapeTerminal('😀')).toBe('😀'); // a surrogate pair is not two lone surrogates
  });

  it('breaks GitHub workflow commands: `::` at the start (after white space), `##[` anywhere', () => {
    expect(escapeTerminal('::error file=x::forged')).toBe('\\x3a:error file=x::forged');
    expect(escapeTerminal(' \u00a0::warning::x')).toBe(' \u00a0\\x3a:warning::x');
    expect(escapeTerminal('name ##[error]forged')).toBe('name #\\x23[error]forged');
    expect(escapeTerminal('###[x')).not.toContain('##[');
    expect(escapeTerminal('a::b')).toBe('a::b'); // only a line start is a command
  });

  it('is idempotent, so a value escaped twice reads the same', () => {
    const hostile = '::x\x1b[2J\n##[error]\u202e';
    expect(escapeTerminal(escapeTerminal(hostile))).toBe(escapeTerminal(hostile));
  });
});

describe('escapeTerminalLines', () => {
  it('keeps line breaks but escapes CR and everything else, guarding each line against `::`', () => {
    expect(escapeTerminalLines('first\n::error::x\r\n\x1b[31mthird\u202e')).toBe(
      'first\n\\x3a:error::x\\r\n\\x1b[31mthird\\u202e',
    );
  });
});

describe('GitHub workflow command encoding', () => {
  // Expected values follow actions/toolkit packages/core/src/command.ts (escapeData/escapeProperty).
  it('encodes %, CR and LF in data; also : and , in properties; % first', () => {
    expect(escapeWorkflowData('50% done\r\nnext: a,b')).toBe('50%25 done%0D%0Anext: a,b');
    expect(escapeWorkflowData('%0A')).toBe('%250A');
    expect(escapeWorkflowProperty('C:\\dir,x%\n')).toBe('C%3A\\dir%2Cx%25%0A');
  });
});

describe('markdown', () => {
  it('escapes inline syntax, HTML and table pipes in text; neutralises block markers at the start', () => {
    expect(escapeMarkdownInline('a|b')).toBe('a\\|b');
    expect(escapeMarkdownInline('</details><script>alert(1)</script>')).toBe(
      '\\</details\\>\\<script\\>alert(1)\\</script\\>',
    );
    expect(escapeMarkdownInline('*x* _y_ `z` [l](u) ![i](u) ~s~ $m$ &amp; \\')).toBe(
      '\\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) \\!\\[i\\](u) \\~s\\~ \\$m\\$ \\&amp; \\\\',
    );
    expect(escapeMarkdownInline('# h')).toBe('\\# h');
    expect(escapeMarkdownInline('> q')).toBe('\\> q');
    expect(escapeMarkdownInline('- item')).toBe('\\- item');
    expect(escapeMarkdownInline('+ item')).toBe('\\+ item');
    expect(escapeMarkdownInline('===')).toBe('\\===');
    expect(escapeMarkdownInline('12. item')).toBe('12\\. item');
    expect(escapeMarkdownInline('3) item')).toBe('3\\) item');
    expect(escapeMarkdownInline('a - b 1. c')).toBe('a - b 1. c'); // only a start can open a block
  });

  it('never lets text break a line, so no blank line, heading or table row can start from it', () => {
    expect(escapeMarkdownInline('x\n\n# heading\r\n| a | b |')).toBe('x\\\\n\\\\n\\# heading\\\\r\\\\n\\| a \\| b \\|');
    const survived: number[] = [];
    for (let cp = 0; cp <= 0x3000; cp++)
      if (DANGEROUS.test(escapeMarkdownInline(`a${String.fromCodePoint(cp)}b`))) survived.push(cp);
    expect(survived).toEqual([]);
  });

  it('fences code spans longer than any backtick run inside, padding when the content touches a backtick', () => {
    expect(markdownCode('plain')).toBe('`plain`');
    expect(markdownCode('a`b')).toBe('``a`b``');
    expect(markdownCode('x``y`')).toBe('``` x``y` ```');
    expect(markdownCode('`start')).toBe('`` `start ``');
    expect(markdownCode(' both ')).toBe('`  both  `');
    expect(markdownCode('a|b')).toBe('`a|b`');
    expect(markdownCode('line\nbreak\x1b')).toBe('`line\\nbreak\\x1b`');
  });

  it('escapes pipes in code spans inside table cells (GFM splits rows before code spans)', () => {
    expect(markdownCodeCell('a|b')).toBe('`a\\|b`');
    expect(markdownCodeCell('"x | y"')).toBe('`"x \\| y"`');
  });

  it('escapes HTML text for raw HTML blocks such as <summary>', () => {
    expect(escapeHtml('</summary></details><script>x("a" & \'b\')</script>')).toBe(
      '&lt;/summary&gt;&lt;/details&gt;&lt;script&gt;x(&quot;a&quot; &amp; &#39;b&#39;)&lt;/script&gt;',
    );
    expect(escapeHtml('a\n\n# h\u202e')).toBe('a\\n\\n# h\\u202e');
  });
});

describe('escapeJsonText', () => {
  it('turns what JSON.stringify leaves raw into \\u escapes, losslessly', () => {
    const data = { name: 'a\u202eb\u0085c\u2028d\u007f##[error]x\u{e0041}😀', 'k\u2066': ['\x1b[2J'] };
    const text = escapeJsonText(JSON.stringify(data, null, 2));
    expect(JSON.parse(text)).toEqual(data);
    expect(text.split('\n').join('')).not.toMatch(DANGEROUS);
    expect(text).not.toContain('##[');
    expect(text).toContain('😀');
  });

  it('keeps the pretty-printing line breaks', () => {
    expect(escapeJsonText(JSON.stringify({ a: 1 }, null, 2))).toBe('{\n  "a": 1\n}');
  });
});
