import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DETECTION_SAMPLE_LENGTH, MIN_CONFIDENCE, detectLanguage, languageFromHint } from '../../../function/src/speech/language.ts';

/** Realistic chat messages, written for these tests, three or more per language. */
const SENTENCES: Record<string, string[]> = {
  'ru-RU': [
    'Привет! Как у тебя дела? Давно не виделись.',
    'Напомни мне, пожалуйста, купить хлеб и молоко по дороге домой.',
    'Сегодня в Москве обещают дождь, так что возьми зонт.',
    'Я не успеваю к семи, начинайте без меня.',
  ],
  'en-US': [
    'Hey, are you coming to the meeting this afternoon?',
    'Please remind me to call my mother when I get home.',
    'The weather was terrible, so we stayed in and watched a movie.',
    'I think you forgot your keys on the kitchen table.',
  ],
  'de-DE': [
    'Kannst du mir bitte sagen, wann der Zug nach München fährt?',
    'Ich habe heute keine Zeit, aber morgen passt es mir sehr gut.',
    'Das Wetter ist schön, wir gehen am Wochenende wandern.',
    'Vergiss nicht, die Blumen zu gießen, während ich weg bin.',
  ],
  'fr-FR': [
    'Bonjour, est-ce que tu peux m’envoyer le document avant ce soir ?',
    'Je suis en retard, le métro est encore en panne aujourd’hui.',
    'Nous allons dîner chez mes parents samedi, tu veux venir avec nous ?',
    'Merci beaucoup pour ton aide, c’était très gentil de ta part.',
  ],
  'es-ES': [
    '¿Dónde está la estación de tren más cercana?',
    'Mañana vamos a la playa con los niños si no llueve.',
    'Gracias por la cena, estaba todo buenísimo.',
    'No puedo hablar ahora, te llamo en una hora.',
  ],
  'it-IT': [
    'Ciao, come stai? Ci vediamo stasera per la pizza?',
    'Non ho ancora finito il lavoro, arrivo più tardi.',
    'Grazie mille per il regalo, è bellissimo!',
    'Domani mattina devo andare dal medico, quindi non sarò in ufficio.',
  ],
  'pt-BR': [
    'Oi, tudo bem? Você vai à festa no sábado?',
    'Não esqueça de comprar pão e leite quando voltar para casa.',
    'Obrigado pela ajuda, foi muito importante para mim.',
    'As crianças estão na escola e só voltam depois das três.',
  ],
  'pl-PL': [
    'Cześć, czy możesz mi pomóc z tym zadaniem?',
    'Jutro jadę do Krakowa, wrócę w niedzielę wieczorem.',
    'Dziękuję bardzo za zaproszenie, na pewno przyjdę.',
    'Nie zapomnij zamknąć okna, bo będzie padać.',
  ],
  'tr-TR': [
    'Merhaba, bugün akşam yemeğine gelecek misin?',
    'Toplantı saat üçte başlıyor, lütfen geç kalma.',
    'Bu kitabı çok beğendim, sana da tavsiye ederim.',
    'Yarın hava güneşli olacakmış, denize gidelim mi?',
  ],
  'ja-JP': [
    'こんにちは、今日はいい天気ですね。',
    '明日の会議は何時からですか？',
    'すみません、駅までの道を教えてください。',
    'ありがとうございます。とても助かりました。',
  ],
  'nl-NL': [
    'Hoi, heb je zin om vanavond samen te eten?',
    'Ik ben mijn fiets kwijt, heb jij hem misschien gezien?',
    'Het is vandaag erg koud en het regent de hele dag.',
  ],
  'sv-SE': [
    'Hej, vill du följa med på bio ikväll?',
    'Jag har inte hunnit läsa boken än, men den verkar bra.',
    'Tack för hjälpen, det var snällt av dig.',
  ],
  'ro-RO': [
    'Bună ziua, aș dori să fac o rezervare pentru două persoane.',
    'Mulțumesc foarte mult pentru ajutor, ești un prieten adevărat.',
    'Mâine plecăm la munte și ne întoarcem duminică seara.',
  ],
  'ko-KR': ['안녕하세요, 오늘 날씨가 정말 좋네요.', '내일 몇 시에 만날까요?', '도와주셔서 정말 감사합니다.'],
  'cmn-CN': ['你好，今天天气怎么样？', '我明天要去北京出差，下周回来。', '谢谢你的帮助，我非常感激。'],
  arb: ['مرحبا، كيف حالك اليوم؟', 'شكرا جزيلا على مساعدتك.', 'سأذهب إلى السوق غدا في الصباح.'],
  'da-DK': ['Tak for maden, det var rigtig lækkert.', 'Jeg kommer lidt senere i dag, undskyld.', 'Hvad skal vi lave i weekenden? Jeg har ikke nogen planer endnu.'],
  'cs-CZ': ['Dobrý den, můžete mi prosím říct, kde je nádraží?', 'Děkuji za pomoc, moc si toho vážím.', 'Zítra jedu do Brna a vrátím se v pátek.'],
  'hi-IN': ['नमस्ते, आप कैसे हैं?', 'कल सुबह हम दिल्ली जाएंगे।', 'आपकी मदद के लिए बहुत धन्यवाद।'],
};

const REQUIRED = ['ru-RU', 'en-US', 'de-DE', 'fr-FR', 'es-ES', 'it-IT', 'pt-BR', 'pl-PL', 'tr-TR', 'ja-JP'];

describe('detecting the language of a text', () => {
  for (const [language, sentences] of Object.entries(SENTENCES)) {
    test(`recognises ${language} in ${sentences.length} everyday messages, without a hint`, () => {
      for (const sentence of sentences) {
        const guess = detectLanguage(sentence);
        assert.equal(guess.language, language, `${sentence} → ${JSON.stringify(guess)}`);
        assert.equal(guess.source, 'text');
        assert.ok(guess.confidence >= MIN_CONFIDENCE, `${sentence} → ${guess.confidence}`);
      }
    });
  }

  test('covers every language the issue requires, with at least three messages each', () => {
    for (const language of REQUIRED) assert.ok((SENTENCES[language]?.length ?? 0) >= 3, language);
  });

  test('is not swayed by the hint when the text is clear', () => {
    assert.equal(detectLanguage('Привет! Как у тебя дела? Давно не виделись.', 'en').language, 'ru-RU');
    assert.equal(detectLanguage('Please remind me to call my mother when I get home.', 'de').language, 'en-US');
  });

  test('lets the hint pick the region of the language the text settled', () => {
    assert.equal(detectLanguage('Oi, tudo bem? Você vai à festa no sábado?', 'pt-PT').language, 'pt-PT');
    assert.equal(detectLanguage('Please remind me to call my mother when I get home.', 'en-GB').language, 'en-GB');
    assert.equal(detectLanguage('Mañana vamos a la playa con los niños si no llueve.', 'es-MX').language, 'es-MX');
    assert.equal(detectLanguage('Please remind me to call my mother when I get home.', 'pt-BR').language, 'en-US');
  });

  test('reads a Russian message with English words in it as Russian', () => {
    assert.equal(detectLanguage('Скинь мне ссылку на GitHub, я посмотрю pull request вечером.').language, 'ru-RU');
  });

  test('reads an English message quoting a Russian word as English', () => {
    assert.equal(detectLanguage('My favourite Russian word is "спасибо", it means thank you in a nice way.').language, 'en-US');
  });

  test('reads kanji-only text as Mandarin unless the hint says Japanese or Cantonese', () => {
    assert.equal(detectLanguage('東京大学').language, 'cmn-CN');
    assert.equal(detectLanguage('東京大学', 'ja').language, 'ja-JP');
    assert.equal(detectLanguage('東京大学', 'en').language, 'cmn-CN');
  });

  test('recognises Cantonese by its own characters', () => {
    assert.equal(detectLanguage('我唔知佢係邊個，你知唔知？').language, 'yue-CN');
  });

  test('does not read Ukrainian or Persian, which Polly cannot speak, in the hint’s language', () => {
    const ukrainian = detectLanguage('Привіт! Як справи? Сьогодні їдемо до Києва, це буде цікаво.', 'ru');
    assert.equal(ukrainian.language, undefined);
    assert.equal(ukrainian.source, 'none');
    assert.equal(detectLanguage('سلام، حال شما چطور است؟ امروز هوا خیلی گرم است.', 'ar').language, undefined);
    assert.equal(detectLanguage('Καλημέρα, τι κάνεις σήμερα;', 'en').language, undefined);
  });
});

describe('short and ambiguous texts', () => {
  test('a single Latin word is not enough: the hint decides', () => {
    const guess = detectLanguage('ok', 'ru');
    assert.ok(guess.confidence < MIN_CONFIDENCE, String(guess.confidence));
    assert.deepEqual([guess.language, guess.source], ['ru-RU', 'hint']);
  });

  test('emoji only (variation selectors and skin tones too): the hint decides', () => {
    assert.deepEqual(detectLanguage('👍🏽🎉❤️', 'de'), { language: 'de-DE', confidence: 0, source: 'hint' });
  });

  test('numbers only: the hint decides, or nothing does', () => {
    assert.deepEqual(detectLanguage('12 345 + 6 = ?', 'pt-br'), { language: 'pt-BR', confidence: 0, source: 'hint' });
    assert.deepEqual(detectLanguage('12 345 + 6 = ?'), { language: undefined, confidence: 0, source: 'none' });
  });

  test('an empty text gives nothing without a hint', () => {
    assert.deepEqual(detectLanguage(''), { language: undefined, confidence: 0, source: 'none' });
  });

  test('a hint Polly does not speak is ignored', () => {
    assert.deepEqual(detectLanguage('🙂', 'uk'), { language: undefined, confidence: 0, source: 'none' });
  });

  test('a single Cyrillic letter leaves the hint room; a short Russian word does not', () => {
    assert.equal(detectLanguage('Я', 'en').language, 'en-US');
    assert.equal(detectLanguage('Да', 'en').language, 'ru-RU');
    assert.equal(detectLanguage('Спасибо', 'en').language, 'ru-RU');
  });
});

describe('mapping Telegram language codes', () => {
  test('maps bare and regional tags to Polly languages', () => {
    assert.equal(languageFromHint('en'), 'en-US');
    assert.equal(languageFromHint('pt-br'), 'pt-BR');
    assert.equal(languageFromHint('PT'), 'pt-BR');
    assert.equal(languageFromHint('pt-PT'), 'pt-PT');
    assert.equal(languageFromHint('zh-hans'), 'cmn-CN');
    assert.equal(languageFromHint('nb'), 'nb-NO');
    assert.equal(languageFromHint('no'), 'nb-NO');
    assert.equal(languageFromHint('ar'), 'arb');
    assert.equal(languageFromHint('en_GB'), 'en-GB');
  });

  test('knows no Polly language for Ukrainian, Belarusian, Kazakh or an empty tag', () => {
    for (const tag of ['uk', 'be', 'kk', '', '  ', undefined]) assert.equal(languageFromHint(tag), undefined, String(tag));
  });
});

describe('speed', () => {
  test(`reads only the first ${DETECTION_SAMPLE_LENGTH} characters`, () => {
    const text = `${'Привет, как дела? '.repeat(40)}${'The quick brown fox and the lazy dog. '.repeat(200)}`;
    assert.equal(detectLanguage(text).language, 'ru-RU');
  });

  test('detects a 4,096-character text in well under 5 ms on average over 200 runs', () => {
    const texts = Object.values(SENTENCES).map((s) => s.join(' ').repeat(200).slice(0, 4096));
    for (const text of texts) detectLanguage(text); // warm up
    const runs = 200;
    const start = performance.now();
    for (let i = 0; i < runs; i++) detectLanguage(texts[i % texts.length] ?? '');
    const average = (performance.now() - start) / runs;
    assert.ok(average < 5, `${average.toFixed(3)} ms per text`);
  });
});
