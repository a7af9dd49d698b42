#!/usr/bin/env python3
"""Writes the e-mail fixtures in tests/fixtures/mail/: real Ukrainian, Russian,
Lithuanian and English text in every charset the e-mail channel must read,
labelled right, wrong and not at all. Run it again after changing a text;
the tests read the files, not this script."""
import base64
import os
import quopri
import sys
from email import policy
from email.message import EmailMessage

OUT = os.path.join(os.path.dirname(__file__), '..', 'tests', 'fixtures', 'mail')

UK = 'Доброго дня! Прошу повернути кошти за замовлення номер 4411: ґудзик відірвався, їжак і єнот у коробці.'
RU = 'Здравствуйте! Посылка пришла разбитой, прошу вернуть деньги за заказ номер 7302. Съёмка приложена.'
LT = 'Laba diena, sąskaitą gavau, bet ąžuolinė lentyna atvyko sulūžusi. Prašau grąžinti pinigus už užsakymą Nr. 5520.'
WORDS_UK = 'Повернення коштів за замовлення номер 4411 — ґудзик відірвався, їжак і єнот у коробці'
WORDS_RU = 'Возврат денег за разбитую посылку, заказ номер 7302'
EN_LATIN1 = 'Bonjour, la cafetière est arrivée cassée. Merci de me rembourser, naïvement vôtre.'


def enc_word(text, charset):
    return '=?%s?B?%s?=' % (charset, base64.b64encode(text.encode(charset)).decode())


def message(name, headers, body_bytes, cte='8bit', ctype='text/plain', charset=None):
    h = ['From: %s' % headers.get('from', 'Customer <customer@example.test>'),
         'To: support@frontline.test',
         'Subject: %s' % headers.get('subject', 'Test'),
         'Message-ID: <%s@example.test>' % name,
         'Date: Sun, 22 Nov 2026 10:00:00 +0200',
         'MIME-Version: 1.0']
    for k, v in headers.get('extra', []):
        h.append('%s: %s' % (k, v))
    ct = ctype + ('; charset=%s' % charset if charset else '')
    h.append('Content-Type: %s' % ct)
    h.append('Content-Transfer-Encoding: %s' % cte)
    if cte == 'base64':
        body_bytes = base64.encodebytes(body_bytes)
    elif cte == 'quoted-printable':
        body_bytes = quopri.encodestring(body_bytes)
    data = ('\r\n'.join(h) + '\r\n\r\n').encode('ascii') + body_bytes + b'\r\n'
    with open(os.path.join(OUT, name + '.eml'), 'wb') as f:
        f.write(data)


def b_words(data, charset, sizes):
    """B words of data cut into pieces of the given byte counts: a cut may
    fall inside a character, as some mailers cut."""
    words, i = [], 0
    for k in sizes + [len(data)]:
        if i < len(data):
            words.append('=?%s?B?%s?=' % (charset, base64.b64encode(data[i:i + k]).decode()))
        i += k
    return '\r\n '.join(words)


def q_words(data, charset, sizes):
    """Q words (RFC 2047 section 4.2: every byte but letters and digits as
    =XX, space as _) of data cut into pieces of the given byte counts."""
    def q(b):
        return ''.join(chr(c) if chr(c).isalnum() and c < 128 else '_' if c == 32 else '=%02X' % c
                       for c in b)
    words, i = [], 0
    for k in sizes + [len(data)]:
        if i < len(data):
            words.append('=?%s?Q?%s?=' % (charset, q(data[i:i + k])))
        i += k
    return '\r\n '.join(words)


def encoded_words():
    """Subjects and display names in runs of encoded words, as mailers fold
    long non-ASCII headers: each word must be decoded on its own (GMime
    3.2.13 joined a padded B word with the words after it and lost them)."""
    # Python's e-mail package: utf-8 B words cut between characters, padded
    m = EmailMessage(policy=policy.SMTP)
    m['From'] = 'Олександра Костянтинівна Шевченко-Григоренко <oleksandra@example.test>'
    m['To'] = 'support@frontline.test'
    m['Cc'] = 'Анастасія Вікторівна Коваленко <anastasiia@example.test>, Богдан <bohdan@example.test>'
    m['Subject'] = WORDS_UK
    m['Message-ID'] = '<words-python@example.test>'
    m['Date'] = 'Sun, 22 Nov 2026 10:00:00 +0200'
    m.set_content('Доброго дня!')
    with open(os.path.join(OUT, 'words-python.eml'), 'wb') as f:
        f.write(m.as_bytes())
    # utf-8 Q words cut inside characters (Apple Mail writes them so)
    message('words-q-split', {'subject': q_words(WORDS_UK.encode(), 'utf-8', [33, 40, 21]),
                              'from': '%s <taras@example.test>' % q_words('Тарас Шевчук'.encode(), 'utf-8', [5]),
                              'extra': [('Cc', '%s <olena@example.test>' % b_words('Олена Іванівна'.encode(), 'UTF-8', [7, 4]))]},
            b'Hello', '7bit', charset='us-ascii')
    # windows-1251 B and koi8-r Q (Outlook), a name in two charsets, and
    # words without their padding
    nopad = b_words(WORDS_RU.encode('cp1251'), 'windows-1251', [20, 20]).replace('=?=', '?=').replace('=?=', '?=')
    message('words-outlook', {'subject': 'RE: ' + nopad,
                              'from': '%s <dmitry@example.test>' % q_words('Дмитрий Соколов'.encode('koi8-r'), 'koi8-r', [8]),
                              'extra': [('Cc', '"%s %s" <lina@example.test>' % (
                                  b_words('Лина '.encode('cp1251'), 'windows-1251', []),
                                  b_words('Šimkutė'.encode('utf-8'), 'utf-8', [3])))]},
            b'Hello', '7bit', charset='us-ascii')


def main():
    os.makedirs(OUT, exist_ok=True)
    encoded_words()
    # every charset, labelled right, each way of encoding
    message('uk-koi8u', {'subject': enc_word('Повернення коштів', 'koi8-u')},
            UK.encode('koi8-u'), '8bit', charset='koi8-u')
    message('ru-cp1251', {'subject': '=?windows-1251?Q?%s?=' % quopri.encodestring(
        'Разбитая посылка'.encode('cp1251'), header=True).decode()},
            RU.encode('cp1251'), 'quoted-printable', charset='windows-1251')
    message('ru-koi8r', {'subject': enc_word('Разбитая посылка', 'koi8-r')},
            RU.encode('koi8-r'), 'base64', charset='koi8-r')
    message('ru-iso88595', {'subject': enc_word('Разбитая посылка', 'iso-8859-5')},
            RU.encode('iso-8859-5'), '8bit', charset='iso-8859-5')
    message('lt-cp1257', {'subject': enc_word('Sąskaita ir grąžinimas', 'cp1257')},
            LT.encode('cp1257'), 'quoted-printable', charset='windows-1257')
    message('lt-iso885913', {'subject': enc_word('Sąskaita ir grąžinimas', 'iso-8859-13')},
            LT.encode('iso-8859-13'), '8bit', charset='iso-8859-13')
    message('en-latin1', {'subject': enc_word('Cafetière cassée', 'iso-8859-1')},
            EN_LATIN1.encode('iso-8859-1'), 'quoted-printable', charset='iso-8859-1')
    message('uk-utf8', {'subject': enc_word('Повернення коштів', 'utf-8')},
            UK.encode('utf-8'), 'base64', charset='utf-8')
    # labelled wrong, and not at all
    message('ru-cp1251-as-latin1', {'subject': 'Mislabelled'},
            RU.encode('cp1251'), '8bit', charset='iso-8859-1')
    message('ru-koi8r-as-cp1251', {'subject': 'Mislabelled'},
            RU.encode('koi8-r'), '8bit', charset='windows-1251')
    message('uk-cp1251-unlabelled', {'subject': 'No charset'},
            UK.encode('cp1251'), '8bit')
    message('lt-cp1257-unlabelled', {'subject': 'No charset'},
            LT.encode('cp1257'), '8bit')
    # a reply with quoted history, in Russian, multipart/alternative with a
    # file named in RFC 2231 and an inline image
    boundary = 'b1'
    parts = [
        'Content-Type: multipart/alternative; boundary="b2"\r\n\r\n'
        '--b2\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
        + 'Спасибо, деньги получил.\r\n\r\n22.11.2026 10:00, Frontline Support пишет:\r\n> Мы вернули деньги.\r\n> С уважением\r\n'
        + '--b2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n'
        + '<p>Спасибо, <b>деньги получил</b>.</p><img src="cid:logo@x"><blockquote>Мы вернули деньги.</blockquote>\r\n'
        + '--b2--\r\n',
        "Content-Type: application/pdf\r\nContent-Disposition: attachment; filename*=utf-8''%D0%A7%D0%B5%D0%BA%20%E2%84%964411.pdf\r\n"
        'Content-Transfer-Encoding: base64\r\n\r\n' + base64.encodebytes(b'%PDF-1.4 fake').decode(),
        'Content-Type: image/png\r\nContent-ID: <logo@x>\r\nContent-Disposition: inline\r\n'
        'Content-Transfer-Encoding: base64\r\n\r\n' + base64.encodebytes(b'\x89PNG\r\n\x1a\nfake').decode(),
    ]
    body = ''.join('--%s\r\n%s\r\n' % (boundary, p) for p in parts) + '--%s--\r\n' % boundary
    message('ru-reply-multipart', {'subject': 'Re: [#42] ' + enc_word('Разбитая посылка', 'utf-8'),
                                   'from': '%s <ivan@example.test>' % enc_word('Иван Петров', 'utf-8'),
                                   'extra': [('In-Reply-To', '<frontline-42-1@frontline.test>'),
                                             ('References', '<a@x> <frontline-42-1@frontline.test>'),
                                             ('Cc', 'Olena <olena@example.test>, boss@example.test')]},
            body.encode('utf-8'), '8bit', ctype='multipart/mixed; boundary="%s"' % boundary)
    # a forward, and an auto-reply
    inner = ('From: Shop <shop@example.test>\r\nSubject: Order 5520\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
             + LT + '\r\n')
    fwd = ('--f1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPersiunčiu laišką.\r\n'
           '--f1\r\nContent-Type: message/rfc822\r\n\r\n' + inner + '--f1--\r\n')
    message('lt-forward', {'subject': 'Fwd: Order 5520'}, fwd.encode('utf-8'), '8bit',
            ctype='multipart/mixed; boundary="f1"')
    message('auto-reply', {'subject': 'Out of office', 'extra': [('Auto-Submitted', 'auto-replied')]},
            b'I am away until Monday.', '7bit', charset='us-ascii')
    return 0


if __name__ == '__main__':
    sys.exit(main())
