/**
 * Markdown read aloud: what a listener hears from a README or a note, its words without the marks.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { markdownToSpeech } from '../../../function/src/documents/markdown.ts';

describe('Markdown to speech', () => {
  test('a README: headings as sentences, lists as lines, links as their text, code blocks dropped, the rest of the marks gone', () => {
    const readme = [
      '---',
      'title: voicebot',
      'tags: [telegram, polly]',
      '---',
      '# voicebot',
      '',
      '[![Build status](https://github.com/acme/voicebot/actions/workflows/ci.yml/badge.svg)](https://github.com/acme/voicebot/actions)',
      '',
      'A **Telegram** bot that answers every text with a _voice message_ spoken by [Amazon Polly](https://aws.amazon.com/polly/ "Polly").',
      'It is ~~slow~~ fast.<br>',
      '',
      '## Getting started',
      '',
      '1. Install Node 24',
      '2. Run `npm ci`',
      '3) Start it:',
      '',
      '```sh',
      'make demo # opens http://localhost:8080',
      '```',
      '',
      'Setup',
      '-----',
      '',
      '- [x] Set `TELEGRAM_BOT_TOKEN`',
      '- [ ] Deploy with [Terraform][tf]',
      '  (see docs/deploy.md)',
      '* Read the [FAQ]',
      '',
      '> **Note:** the bot reads at most',
      '> 20,000 characters.',
      '',
      '| Engine | Price per million |',
      '|:-------|------------------:|',
      '| Neural | $16 |',
      '| Standard | $4 |',
      '',
      '***',
      '',
      'Questions? Mail <help@example.com> or see <https://example.com/faq_page>.',
      '',
      '<!-- a comment',
      'over two lines -->',
      '<p align="center"><img src="logo.png" alt="Logo"></p>',
      '',
      '[tf]: https://www.terraform.io',
      '[FAQ]: https://example.com/faq "Questions"',
    ].join('\n');
    assert.equal(
      markdownToSpeech(readme),
      [
        'voicebot.',
        '',
        'Build status',
        '',
        'A Telegram bot that answers every text with a voice message spoken by Amazon Polly.',
        'It is slow fast.',
        '',
        'Getting started.',
        '',
        'Install Node 24.',
        'Run npm ci.',
        'Start it:',
        '',
        'Setup.',
        '',
        'Set TELEGRAM_BOT_TOKEN.',
        'Deploy with Terraform',
        '(see docs/deploy.md).',
        'Read the FAQ.',
        '',
        'Note: the bot reads at most',
        '20,000 characters.',
        '',
        'Engine, Price per million.',
        'Neural, $16.',
        'Standard, $4.',
        '',
        'Questions? Mail help@example.com or see https://example.com/faq_page.',
      ].join('\n'),
    );
  });

  test('headings: ATX with closing hashes, setext, and the punctuation they already end with', () => {
    assert.equal(markdownToSpeech('# Title #\n## What is it?\n### Steps:\nIntro\n=====\ntext'), 'Title.\n\nWhat is it?\n\nSteps:\n\nIntro.\n\ntext');
    assert.equal(markdownToSpeech('#hashtag is not a heading'), '#hashtag is not a heading');
  });

  test('underscores and stars inside words and numbers are text: snake_case, 2*3*4, a URL with underscores', () => {
    assert.equal(markdownToSpeech('Call snake_case_name with 2*3*4 and 2 * 3 items.'), 'Call snake_case_name with 2*3*4 and 2 * 3 items.');
    assert.equal(markdownToSpeech('See https://example.com/some_path_here/_private_ and www.example.org/a_b_c.'), 'See https://example.com/some_path_here/_private_ and www.example.org/a_b_c.');
    assert.equal(markdownToSpeech('[the docs](https://example.com/a_b_(c)) say _so_'), 'the docs say so');
  });

  test('nested and combined emphasis loses every mark', () => {
    assert.equal(markdownToSpeech('***both*** and **bold _italic_ text** and *italic **bold***'), 'both and bold italic text and italic bold');
    assert.equal(markdownToSpeech('__strong__ then ~~struck *and* slanted~~'), 'strong then struck and slanted');
  });

  test('escaped marks are the characters themselves', () => {
    assert.equal(markdownToSpeech('\\*not emphasis\\* and \\_this\\_ and \\# and a \\\\ backslash'), '*not emphasis* and _this_ and # and a \\ backslash');
  });

  test('inline code keeps its text, marks and all; a fenced block of either kind goes, to its closing fence', () => {
    assert.equal(markdownToSpeech('Use `**kwargs` and `` a`b ``.'), 'Use **kwargs and a`b.');
    assert.equal(markdownToSpeech('before\n~~~~python\n# not a heading\n~~~\nstill code\n~~~~\nafter'), 'before\nafter');
  });

  test('block quotes, nested, and lists inside them', () => {
    assert.equal(markdownToSpeech('> > deep\n> - item'), 'deep\nitem.');
  });

  test('HTML tags go and their text stays; entities are their characters', () => {
    assert.equal(markdownToSpeech('<details><summary>More</summary>Hidden &amp; found &lt;here&gt; &#8212; &#x263A;</details>'), 'More Hidden & found <here> — ☺');
    assert.equal(markdownToSpeech('a < b > c'), 'a < b > c');
  });

  test('footnotes: the mark goes, the note is read; reference definitions and rules are silent', () => {
    assert.equal(markdownToSpeech('Polly reads it.[^1]\n\n[^1]: Amazon’s service.\n[id]: https://example.com\n- - -\n___'), 'Polly reads it.\n\nAmazon’s service.');
  });

  test('what is only marks is nothing to read', () => {
    assert.equal(markdownToSpeech('```\ncode only\n```\n\n---\n<!-- note -->'), '');
  });
});
