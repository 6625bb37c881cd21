import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { annotationPath, annotationProperty, annotationText } from '../../src/render/escape-annotation.js';
import { jsonText } from '../../src/render/escape-json.js';
import { MARKDOWN_VALUE_MAX, markdownCell, markdownSentences, markdownText, markdownWords } from '../../src/render/escape-markdown.js';
import { MAX_SHOWN_TEXT, neutraliseWorkflowCommands, shellWord, terminalMessage, terminalText } from '../../src/render/escape-terminal.js';
import { HOSTILE, HOSTILE_VALUES, rawDangers, workflowCommandLines } from '../support/hostile-strings.js';

describe('terminalText', () => {
  it('shows controls, bidi, zero-width and separators as \\uXXXX', () => {
    expect(terminalText(HOSTILE.eraseLine)).toBe('x\\u001b[1A\\u001b[2Kforged');
    expect(terminalText(HOSTILE.rlo)).toBe('invoice\\u202etxt.exe');
    expect(terminalText(HOSTILE.zeroWidth)).toBe('ad\\u200bmin\\u200d\\ufeff');
    expect(terminalText(HOSTILE.separators)).toBe('line\\u2028para\\u2029end');
    expect(terminalText(HOSTILE.c1)).toBe('c1\\u009b31mred');
    expect(terminalText(HOSTILE.del)).toBe('del\\u007f');
    expect(terminalText('a\tb\nc')).toBe('a\\u0009b\\u000ac');
  });

  it('shows every character drawn as nothing, beyond U+FFFF as its two UTF-16 halves', () => {
    // Tags spell "approve" invisibly; as JSON writes such a character, so the notation decodes back to it.
    expect(terminalText(HOSTILE.tags)).toBe(`ok${['61', '70', '70', '72', '6f', '76', '65'].map((low) => `\\udb40\\udc${low}`).join('')}`);
    expect(terminalText(HOSTILE.fillers)).toBe('Megan\\u3164Bowen\\u115f\\u1160\\uffa0\\ufe0f\\u034f');
    // Other format characters: Arabic number sign, Khmer inherent vowel, Mongolian free variation selector, invisible musical symbol.
    expect(terminalText('\u0600\u17b4\u180b\u{1d173}')).toBe('\\u0600\\u17b4\\u180b\\ud834\\udd73');
    expect(JSON.parse(`"${terminalText(HOSTILE.tags)}"`)).toBe(HOSTILE.tags);
  });

  it('shows a pile of more than four combining marks, which would be drawn over the lines around it', () => {
    expect(terminalText(`e${'\u0301'.repeat(5)}`)).toBe(`e${'\\u0301'.repeat(5)}`);
    expect(terminalText(HOSTILE.zalgo)).toBe(`ok${'\\u0336\\u0334\\u0353\\u0359\\u035a'.repeat(6)}`);
    // Real text stacks up to four: Vietnamese (decomposed), pointed Hebrew with cantillation, a Tibetan stack.
    for (const text of ['Nguye\u0302\u0303n', 'e\u0323\u0302\u0301', '\u05e9\u05bc\u05c1\u05b8\u0591', '\u0f56\u0f66\u0f92\u0fb2\u0f74\u0f56']) {
      expect(terminalText(text)).toBe(text);
    }
  });

  it('neutralises workflow commands visibly', () => {
    expect(terminalText(HOSTILE.addMaskHash)).toBe('##\\u005badd-mask]x');
    expect(terminalText(HOSTILE.addMaskColon)).toBe('\\u003a:add-mask::x');
    expect(terminalText('  ::error::x')).toBe('  \\u003a:error::x');
    expect(terminalText('\u00a0::error::x')).toBe('\u00a0\\u003a:error::x');
    expect(terminalText('a::b')).toBe('a::b');
  });

  it('leaves ordinary text, including non-Latin scripts, alone', () => {
    for (const text of ['Joep de Vries', 'Zoë Ångström', '山田太郎', 'שלום', 'C:\\path\\file.yaml', '50% off, #1']) {
      expect(terminalText(text)).toBe(text);
    }
  });

  it('leaves nothing dangerous in any hostile value', () => {
    for (const value of HOSTILE_VALUES) {
      const shown = terminalText(value);
      expect(rawDangers(shown)).toEqual([]);
      expect(workflowCommandLines(shown)).toEqual([]);
      expect(shown).not.toMatch(/[\r\n]/);
    }
  });

  it('cuts a value longer than any a configuration holds in its middle, never between the halves of a character, and says how much', () => {
    expect(terminalText('x'.repeat(MAX_SHOWN_TEXT))).toBe('x'.repeat(MAX_SHOWN_TEXT));
    const emoji = '\u{1f600}'.repeat(MAX_SHOWN_TEXT);
    const shown = terminalText(`\u001b${emoji}\u202e`);
    expect(shown.length).toBeLessThan(MAX_SHOWN_TEXT + 100);
    expect(shown).toMatch(/^\\u001b(\u{1f600})+ … \(\d{2},\d{3} characters left out\) … (\u{1f600})+\\u202e$/u);
    expect(shown).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });

  it('terminalMessage keeps line breaks but checks each line', () => {
    expect(terminalMessage('bad value:\n::error::x\r\n  ok \u001b[2K')).toBe('bad value:\n\\u003a:error::x\n  ok \\u001b[2K');
  });
});

describe('shellWord', () => {
  /** What bash makes of each word, read back as bytes: one bash for all of them. */
  const asBashReadsThem = (words: readonly string[]): string[] => {
    const script = words.map((word) => `printf '%s\\0' ${shellWord(word)}`).join('\n');
    return execFileSync('bash', ['-c', script], { encoding: 'utf8' }).split('\0').slice(0, -1);
  };

  it('leaves a plain path alone, single-quotes one a shell would split, and spells invisible characters as $\'\\u…\'', () => {
    expect(shellWord('plans/next.json')).toBe('plans/next.json');
    expect(shellWord("saved plans/plan $1's.json")).toBe("'saved plans/plan $1'\\''s.json'");
    expect(shellWord('a\u200bb\n::error::x.json')).toBe("$'a\\u200bb\\u000a::error::x.json'");
    expect(shellWord("tag\u{e0041}'s \\ ##[x].json")).toBe("$'tag\\U000e0041\\'s \\\\ ##\\u005bx].json'");
    expect(shellWord('::x.json')).toBe("$'::x.json'");
  });

  it('is a word bash reads back as the very name, and safe to print as it stands, for any name', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', minLength: 1 }).filter((word) => !word.includes('\0')), { minLength: 1, maxLength: 40 }), (words) => {
        for (const word of words) expect(terminalText(shellWord(word))).toBe(shellWord(word));
        expect(asBashReadsThem(words)).toEqual(words);
      }),
      { numRuns: 25 },
    );
    const hostile = [...HOSTILE_VALUES, 'a\u0301\u0301\u0301\u0301\u0301\u0301b', '\u{e0001}\u{e0068}i', 'x\u0085y\u2028z', "'\\'"];
    expect(asBashReadsThem(hostile)).toEqual(hostile);
  });
});

describe('neutraliseWorkflowCommands', () => {
  it('neutralises command lines however the line breaks', () => {
    const text = neutraliseWorkflowCommands('a\n::error::x\r::warning::y\r\n ::add-mask::z\nb ##[add-mask]w\n');
    expect(text).toBe('a\n\\u003a:error::x\r\\u003a:warning::y\r\n \\u003a:add-mask::z\nb ##\\u005badd-mask]w\n');
    expect(workflowCommandLines(text)).toEqual([]);
  });

  it('lets tenantctl\'s own annotations through, still without ##[', () => {
    expect(neutraliseWorkflowCommands('::error file=a.yaml::x ##[y]\n', true)).toBe('::error file=a.yaml::x ##\\u005by]\n');
  });

  it('keeps JSON valid and its values unchanged', () => {
    const value = { title: `${HOSTILE.addMaskHash} ${HOSTILE.warningHash}`, lines: [HOSTILE.newlineCommand] };
    const guarded = neutraliseWorkflowCommands(JSON.stringify(value, null, 2));
    expect(workflowCommandLines(guarded)).toEqual([]);
    expect(JSON.parse(guarded)).toEqual(value);
  });
});

describe('annotationText', () => {
  it('escapes as GitHub documents, after making the value visible', () => {
    expect(annotationText('50% a\r\nb')).toBe('50%25 a\\u000d\\u000ab');
    expect(annotationProperty('::add-mask::x.yaml,2')).toBe('%3A%3Aadd-mask%3A%3Ax.yaml%2C2');
    expect(annotationText('::error::x')).toBe('::error::x');
    expect(annotationText(HOSTILE.warningHash)).toBe('ok ##\\u005bwarning]forged warning');
  });

  it('sends a line break in a file name as GitHub decodes it, so the annotation names the real file', () => {
    expect(annotationPath('gh/line\nbreak\r.yaml')).toBe('gh/line%0Abreak%0D.yaml');
    expect(annotationPath('a:b,c%\u001b[31m.yaml')).toBe('a%3Ab%2Cc%25\\u001b[31m.yaml');
  });
});

describe('markdownText', () => {
  it('shows a value as a code span, so nothing in it is live', () => {
    expect(markdownText(HOSTILE.mention)).toBe('`@team please approve`');
    expect(markdownText(HOSTILE.html)).toBe('`<img src=x onerror=alert(1)>`');
    expect(markdownText(HOSTILE.autolink)).toBe('`see https://evil.example and www.evil.example`');
    expect(markdownText('')).toBe('');
  });

  it('cannot be closed early by backticks inside', () => {
    expect(markdownText('a`b')).toBe('``a`b``');
    expect(markdownText(HOSTILE.backticks)).toBe('```` ``` ` code ````');
    expect(markdownText('`x`')).toBe('`` `x` ``');
    expect(markdownText(' x ')).toBe('`  x  `');
  });

  it('stays on one line, with invisible characters shown', () => {
    expect(markdownText(HOSTILE.newlineCommand)).toBe('`a\\u000a::error::forged\\u000d::warning::forged`');
    expect(markdownText(HOSTILE.rlo)).toBe('`invoice\\u202etxt.exe`');
  });

  it('escapes | in a table cell', () => {
    expect(markdownCell(HOSTILE.table)).toBe('`\\| a \\| b \\|`');
  });

  // A value written by SQL is bounded by nothing: whole, one could fill a report's never-cut part.
  it('cuts a value past its limit at a whole character, and says how much is not shown', () => {
    expect(markdownText('a'.repeat(MARKDOWN_VALUE_MAX))).toBe(`\`${'a'.repeat(MARKDOWN_VALUE_MAX)}\``);
    expect(markdownText('a'.repeat(MARKDOWN_VALUE_MAX + 12_345))).toBe(`\`${'a'.repeat(MARKDOWN_VALUE_MAX)}\`… (12,345 more characters not shown)`);
    // Characters, not UTF-16 units: no half of a surrogate pair is shown.
    expect(markdownText('😀'.repeat(5), 3)).toBe('`😀😀😀`… (2 more characters not shown)');
    expect(markdownCell('|@x'.repeat(4), 5)).toBe('`\\|@x\\|@`… (7 more characters not shown)');
  });
});

describe('markdownSentences', () => {
  it('escapes our words and puts values in code spans', () => {
    const [sentence] = markdownSentences((show) => [`Deletes ${show('@team')} for +$40.00/month.`]);
    expect(sentence).toBe('Deletes `@team` for +\\$40.00/month.');
  });

  it('cannot be forged by a value that looks like a placeholder', () => {
    const [sentence] = markdownSentences((show) => [`a ${show('\u00000\u0000 <b>')} b`]);
    expect(sentence).toBe('a `\\u00000\\u0000 <b>` b');
  });

  it('markdownWords leaves no HTML or markup', () => {
    expect(markdownWords('<b>*x*</b> [a](b) $1 $2\nnext')).toBe('&lt;b&gt;\\*x\\*&lt;/b&gt; \\[a\\](b) \\$1 \\$2 next');
  });
});

describe('jsonText', () => {
  it('writes every hostile value escaped, and reads back the same document', () => {
    const document = { values: HOSTILE_VALUES, nested: { [HOSTILE.rlo]: HOSTILE.addMaskHash } };
    const text = jsonText(document);
    expect(rawDangers(text)).toEqual([]);
    expect(workflowCommandLines(text)).toEqual([]);
    expect(JSON.parse(text)).toEqual(document);
    expect(text).toContain('"invoice\\u202etxt.exe"');
    expect(text).toContain('"ok\\udb40\\udc61\\udb40\\udc70');
  });
});
