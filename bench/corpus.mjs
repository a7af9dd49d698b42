// Text for the benchmark seeder: customer-service phrases in Ukrainian,
// Russian, Lithuanian and English, written for this suite. Everything is
// composed from a deterministic PRNG so that two runs with the same seed
// produce the same desk.

export function rng(seed) {
	// mulberry32
	let a = seed >>> 0;
	return function () {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export const pick = (r, list) => list[Math.floor(r() * list.length)];
export const between = (r, lo, hi) => lo + Math.floor(r() * (hi - lo + 1));

// Each language: subjects (with {item} and {order}), greetings, sentences by
// topic, follow-ups (customer or agent comments), closings, items.
const LANG = {
	uk: {
		rare: ['Зараз я у відпустці у Ворохті, тож відповідайте, будь ласка, електронною поштою.'],
		suffixes: [' — терміново', ', прошу допомогти', ' (повторне звернення)', ' — відповіді немає вже тиждень', ', {city}'],
		cities: ['Київ', 'Львів', 'Харків', 'Одеса', 'Дніпро', 'Вінниця', 'Житомир', 'Ужгород'],
		context: [
			'Замовлення оформлено {date} на суму {amount} грн.',
			'Доставка мала бути до відділення у місті {city}.',
			'Мій номер телефону вказаний у профілі, можна телефонувати після шостої вечора.',
			'Оплату здійснив карткою одразу під час оформлення.',
			'Номер замовлення {order}, отримувач — {name}.',
			'Я вже писав у чат на сайті, але там порадили створити звернення.',
		],
		names: ['Олена Коваленко', 'Андрій Шевчук', 'Ірина Бондар', 'Тарас Мельник', 'Оксана Ткаченко'],
		items: ['навушники', 'кавоварка', 'зимова куртка', 'дитяче автокрісло', 'смартфон',
			'пилосос', 'настільна лампа', 'рюкзак', 'електрочайник', 'монітор', 'кросівки',
			'набір посуду'],
		subjects: [
			'Повернення коштів за замовлення {order}',
			'Посилка {order} досі не доставлена',
			'Пошкоджений товар: {item}',
			'Двічі списали гроші з картки',
			'Скарга на роботу кур\'єра',
			'Не можу оформити повернення: {item}',
			'Неправильний рахунок за замовлення {order}',
			'Прийшов не той товар замість «{item}»',
			'Коли повернуть гроші за {item}?',
			'Затримка доставки, замовлення {order}',
		],
		greetings: ['Добрий день!', 'Вітаю.', 'Доброго вечора,', 'Шановна службо підтримки,', 'Привіт.'],
		topics: {
			refund: [
				'Я повернув {item} ще два тижні тому, але кошти на картку так і не надійшли.',
				'Прошу повернути гроші за замовлення {order}, товар мені не підійшов.',
				'У вашій політиці написано, що повернення коштів займає до п\'яти робочих днів.',
				'Менеджер обіцяв повернути кошти, проте відтоді ніхто не зв\'язався зі мною.',
				'Чи можна отримати повернення на іншу картку, бо стару я вже закрив?',
			],
			delivery: [
				'Посилка застрягла на сортувальному складі і статус не змінюється вже тиждень.',
				'Кур\'єр не приїхав у призначений час, а в трекінгу написано, що доставка виконана.',
				'Я вказав адресу відділення, але посилку відправили в інше місто.',
				'Будь ласка, перевірте, де зараз моє замовлення {order}.',
				'Термін доставки минув ще в понеділок, а товару досі немає.',
			],
			damaged: [
				'Коробка прийшла розірваною, а {item} має тріщину на корпусі.',
				'Після розпакування виявилося, що {item} не вмикається.',
				'На товарі помітні подряпини, схоже, що його вже хтось використовував.',
				'Додаю фотографії пошкодженого пакування та самого товару.',
				'У комплекті бракує зарядного пристрою та інструкції.',
			],
			billing: [
				'З моєї картки двічі списали однакову суму за одне замовлення.',
				'У рахунку вказано доставку, хоча вона мала бути безкоштовною.',
				'Прошу надіслати податкову накладну на адресу компанії.',
				'Знижка за промокодом не застосувалася, і я переплатив.',
				'Підписка продовжилася автоматично, хоча я її скасував.',
			],
			complaint: [
				'Я дуже розчарований якістю обслуговування у вашому магазині.',
				'Оператор гарячої лінії розмовляв зі мною грубо і поклав слухавку.',
				'Це вже третє звернення з тим самим питанням, і ніхто не відповідає.',
				'Якщо питання не вирішиться, я буду змушений звернутися до захисту прав споживачів.',
				'Раніше я часто купував у вас, але після цього випадку сумніваюся.',
			],
		},
		followups: [
			'Чи є якісь новини щодо мого звернення?',
			'Дякую, кошти вже надійшли на рахунок.',
			'Надсилаю номер накладної, як ви просили.',
			'Ми передали ваше звернення на склад, відповідь очікуємо протягом двох днів.',
			'Перепрошуємо за незручності, повернення коштів оформлено.',
			'Посилку нарешті отримав, але коробка знову пошкоджена.',
		],
		closings: ['Дякую.', 'З повагою, клієнт.', 'Чекаю на відповідь.', 'Гарного дня.'],
	},
	ru: {
		rare: ['Сейчас я в командировке в Петрозаводске, поэтому лучше писать на почту.'],
		suffixes: [' — срочно', ', прошу помочь', ' (повторное обращение)', ' — ответа нет уже неделю', ', {city}'],
		cities: ['Москва', 'Казань', 'Новосибирск', 'Екатеринбург', 'Самара', 'Алматы', 'Минск', 'Рига'],
		context: [
			'Заказ оформлен {date} на сумму {amount} руб.',
			'Доставка должна была быть в пункт выдачи в городе {city}.',
			'Мой номер телефона указан в профиле, звонить можно после шести вечера.',
			'Оплату произвёл картой сразу при оформлении.',
			'Номер заказа {order}, получатель — {name}.',
			'Я уже писал в чат на сайте, но там посоветовали создать обращение.',
		],
		names: ['Елена Смирнова', 'Дмитрий Волков', 'Анна Кузнецова', 'Сергей Попов', 'Мария Соколова'],
		items: ['наушники', 'кофемашина', 'зимняя куртка', 'детское автокресло', 'смартфон',
			'пылесос', 'настольная лампа', 'рюкзак', 'электрочайник', 'монитор', 'кроссовки',
			'набор посуды'],
		subjects: [
			'Возврат денег за заказ {order}',
			'Посылка {order} до сих пор не доставлена',
			'Повреждённый товар: {item}',
			'Деньги списали дважды',
			'Жалоба на курьера службы доставки',
			'Не получается оформить возврат: {item}',
			'Ошибка в счёте по заказу {order}',
			'Пришёл не тот товар вместо «{item}»',
			'Когда вернут деньги за {item}?',
			'Задержка доставки, заказ {order}',
		],
		greetings: ['Здравствуйте!', 'Добрый день.', 'Уважаемая служба поддержки,', 'Добрый вечер,'],
		topics: {
			refund: [
				'Я вернул {item} две недели назад, но деньги на карту так и не пришли.',
				'Прошу вернуть деньги за заказ {order}, товар мне не подошёл.',
				'В ваших правилах указано, что возврат средств занимает до пяти рабочих дней.',
				'Менеджер обещал оформить возврат, но с тех пор никто не перезвонил.',
				'Можно ли получить возврат на другую карту, старая уже заблокирована?',
			],
			delivery: [
				'Посылка застряла на сортировочном складе, статус не меняется уже неделю.',
				'Курьер не приехал в назначенное время, а в отслеживании написано, что заказ доставлен.',
				'Я указал адрес пункта выдачи, но посылку отправили в другой город.',
				'Пожалуйста, проверьте, где сейчас мой заказ {order}.',
				'Срок доставки истёк ещё в понедельник, а товара до сих пор нет.',
			],
			damaged: [
				'Коробка пришла разорванной, а {item} с трещиной на корпусе.',
				'После распаковки оказалось, что {item} не включается.',
				'На товаре заметны царапины, похоже, им уже кто-то пользовался.',
				'Прикладываю фотографии повреждённой упаковки и самого товара.',
				'В комплекте не хватает зарядного устройства и инструкции.',
			],
			billing: [
				'С моей карты дважды списали одинаковую сумму за один заказ.',
				'В счёте указана доставка, хотя она должна была быть бесплатной.',
				'Прошу выслать счёт-фактуру на реквизиты компании.',
				'Скидка по промокоду не применилась, и я переплатил.',
				'Подписка продлилась автоматически, хотя я её отменил.',
			],
			complaint: [
				'Я крайне недоволен качеством обслуживания в вашем магазине.',
				'Оператор горячей линии грубо со мной разговаривал и бросил трубку.',
				'Это уже третье обращение по одному и тому же вопросу, ответа нет.',
				'Если вопрос не решится, я обращусь в общество защиты прав потребителей.',
				'Раньше я часто у вас покупал, но после этого случая сомневаюсь.',
			],
		},
		followups: [
			'Есть ли новости по моему обращению?',
			'Спасибо, деньги уже поступили на счёт.',
			'Отправляю номер накладной, как вы просили.',
			'Мы передали ваше обращение на склад, ответ ожидаем в течение двух дней.',
			'Приносим извинения за неудобства, возврат средств оформлен.',
			'Посылку наконец получил, но коробка опять повреждена.',
		],
		closings: ['Спасибо.', 'С уважением, клиент.', 'Жду ответа.', 'Хорошего дня.'],
	},
	lt: {
		rare: ['Šiuo metu atostogauju Druskininkuose, todėl prašau atsakyti el. paštu.'],
		suffixes: [' – skubu', ', prašau padėti', ' (pakartotinis kreipimasis)', ' – atsakymo nėra jau savaitę', ', {city}'],
		cities: ['Vilnius', 'Kaunas', 'Klaipėda', 'Šiauliai', 'Panevėžys', 'Alytus', 'Marijampolė', 'Utena'],
		context: [
			'Užsakymą pateikiau {date}, jo suma {amount} €.',
			'Siunta turėjo būti pristatyta į paštomatą mieste {city}.',
			'Mano telefono numeris nurodytas paskyroje, skambinkite po šeštos vakaro.',
			'Apmokėjau kortele iškart užsakymo metu.',
			'Užsakymo numeris {order}, gavėjas – {name}.',
			'Jau rašiau į svetainės pokalbių langą, bet ten patarė užregistruoti kreipimąsi.',
		],
		names: ['Rūta Kazlauskienė', 'Mindaugas Petrauskas', 'Eglė Jankauskaitė', 'Žygimantas Stankevičius', 'Aušra Vaitkutė'],
		items: ['ausinės', 'kavos aparatas', 'žieminė striukė', 'vaikiška autokėdutė', 'išmanusis telefonas',
			'dulkių siurblys', 'stalinė lempa', 'kuprinė', 'elektrinis virdulys', 'monitorius',
			'sportbačiai', 'indų rinkinys'],
		subjects: [
			'Pinigų grąžinimas už užsakymą {order}',
			'Siunta {order} vis dar nepristatyta',
			'Sugadinta prekė: {item}',
			'Pinigai nuskaičiuoti du kartus',
			'Skundas dėl kurjerio elgesio',
			'Negaliu užregistruoti grąžinimo: {item}',
			'Klaidinga sąskaita už užsakymą {order}',
			'Atsiųsta ne ta prekė vietoj „{item}“',
			'Kada grąžinsite pinigus už prekę {item}?',
			'Vėluoja pristatymas, užsakymas {order}',
		],
		greetings: ['Laba diena,', 'Sveiki.', 'Gerbiami klientų aptarnavimo darbuotojai,', 'Labas vakaras,'],
		topics: {
			refund: [
				'Prekę {item} grąžinau prieš dvi savaites, tačiau pinigų į sąskaitą vis dar negavau.',
				'Prašau grąžinti pinigus už užsakymą {order}, prekė man netiko.',
				'Jūsų taisyklėse parašyta, kad pinigų grąžinimas užtrunka iki penkių darbo dienų.',
				'Vadybininkas žadėjo grąžinti pinigus, bet nuo to laiko niekas su manimi nesusisiekė.',
				'Ar galima pinigus grąžinti į kitą kortelę, nes senoji jau užblokuota?',
			],
			delivery: [
				'Siunta įstrigo rūšiavimo centre ir jos būsena nesikeičia jau savaitę.',
				'Kurjeris neatvyko sutartu laiku, o sekimo sistemoje rašoma, kad siunta pristatyta.',
				'Nurodžiau paštomato adresą, tačiau siuntą išsiuntėte į kitą miestą.',
				'Prašau patikrinti, kur dabar yra mano užsakymas {order}.',
				'Pristatymo terminas baigėsi dar pirmadienį, o prekės vis dar nėra.',
			],
			damaged: [
				'Dėžė atkeliavo suplėšyta, o {item} turi įtrūkimą korpuse.',
				'Išpakavus paaiškėjo, kad {item} neįsijungia.',
				'Ant prekės matyti įbrėžimai, atrodo, kad ja jau kažkas naudojosi.',
				'Pridedu sugadintos pakuotės ir pačios prekės nuotraukas.',
				'Komplekte trūksta įkroviklio ir naudojimo instrukcijos.',
			],
			billing: [
				'Iš mano kortelės du kartus nuskaičiuota ta pati suma už vieną užsakymą.',
				'Sąskaitoje nurodytas pristatymo mokestis, nors pristatymas turėjo būti nemokamas.',
				'Prašau atsiųsti PVM sąskaitą faktūrą įmonės rekvizitais.',
				'Nuolaidos kodas nebuvo pritaikytas, todėl sumokėjau per daug.',
				'Prenumerata pratęsta automatiškai, nors ją atšaukiau.',
			],
			complaint: [
				'Esu labai nusivylęs jūsų parduotuvės aptarnavimo kokybe.',
				'Karštosios linijos operatorius kalbėjo nemandagiai ir padėjo ragelį.',
				'Tai jau trečias mano kreipimasis tuo pačiu klausimu, o atsakymo nėra.',
				'Jei klausimas nebus išspręstas, kreipsiuosi į Valstybinę vartotojų teisių apsaugos tarnybą.',
				'Anksčiau dažnai pirkdavau pas jus, bet po šio atvejo abejoju.',
			],
		},
		followups: [
			'Ar yra naujienų dėl mano kreipimosi?',
			'Ačiū, pinigai jau gauti.',
			'Siunčiu važtaraščio numerį, kaip prašėte.',
			'Jūsų kreipimąsi perdavėme sandėliui, atsakymo tikimės per dvi dienas.',
			'Atsiprašome už nepatogumus, pinigų grąžinimas įformintas.',
			'Siuntą pagaliau gavau, tačiau dėžė vėl apgadinta.',
		],
		closings: ['Ačiū.', 'Pagarbiai, klientas.', 'Laukiu atsakymo.', 'Geros dienos.'],
	},
	en: {
		rare: ['I am on holiday in Aberystwyth at the moment, so please reply by email.'],
		suffixes: [' - urgent', ', please help', ' (second request)', ' - no answer for a week', ', {city}'],
		cities: ['London', 'Dublin', 'Manchester', 'Warsaw', 'Berlin', 'Leeds', 'Bristol', 'Glasgow'],
		context: [
			'I placed the order on {date} and paid {amount} EUR.',
			'It was supposed to be delivered to the pickup point in {city}.',
			'My phone number is in my profile, you can call me after six in the evening.',
			'I paid by card at checkout.',
			'The order number is {order}, the recipient is {name}.',
			'I already wrote in the chat on your website and they told me to open a ticket.',
		],
		names: ['Emily Clarke', 'James Walker', 'Sophie Turner', 'Daniel Hughes', 'Olivia Bennett'],
		items: ['headphones', 'coffee machine', 'winter jacket', 'child car seat', 'smartphone',
			'vacuum cleaner', 'desk lamp', 'backpack', 'electric kettle', 'monitor', 'running shoes',
			'cookware set'],
		subjects: [
			'Refund for order {order}',
			'Parcel {order} still not delivered',
			'Damaged item: {item}',
			'I was charged twice',
			'Complaint about the courier',
			'Cannot start a return for my {item}',
			'Wrong invoice for order {order}',
			'Received the wrong item instead of the {item}',
			'When will I get my money back for the {item}?',
			'Delivery delayed, order {order}',
		],
		greetings: ['Hello,', 'Hi there.', 'Dear support team,', 'Good afternoon,'],
		topics: {
			refund: [
				'I sent the {item} back two weeks ago but the refund has still not reached my card.',
				'Please refund order {order}, the item did not suit me.',
				'Your policy says that refunds are processed within five business days.',
				'An agent promised me a refund and nobody has contacted me since.',
				'Can the refund go to a different card? My old one has been cancelled.',
			],
			delivery: [
				'The parcel has been stuck at the sorting depot for a week without any status change.',
				'The courier did not show up in the agreed slot, yet tracking says it was delivered.',
				'I chose a pickup point address but the parcel was shipped to another city.',
				'Could you please check where my order {order} is right now?',
				'The delivery date passed on Monday and the item still has not arrived.',
			],
			damaged: [
				'The box arrived torn open and the {item} has a crack in the casing.',
				'After unpacking I found that the {item} does not switch on.',
				'There are visible scratches on the item, it looks like someone already used it.',
				'I am attaching photos of the damaged packaging and of the item itself.',
				'The charger and the manual are missing from the box.',
			],
			billing: [
				'My card was charged the same amount twice for a single order.',
				'The invoice includes a shipping fee although shipping was supposed to be free.',
				'Please send a VAT invoice made out to my company.',
				'The discount code was not applied at checkout and I overpaid.',
				'My subscription renewed automatically even though I had cancelled it.',
			],
			complaint: [
				'I am very disappointed with the level of service in your shop.',
				'The hotline operator was rude to me and hung up.',
				'This is the third time I am writing about the same issue and nobody answers.',
				'If this is not resolved I will have to contact the consumer protection authority.',
				'I used to shop with you often but after this I am not sure I will again.',
			],
		},
		followups: [
			'Is there any news about my request?',
			'Thank you, the money has arrived.',
			'Here is the tracking number you asked for.',
			'We have forwarded your request to the warehouse and expect an answer within two days.',
			'We apologise for the inconvenience, your refund has been issued.',
			'I finally received the parcel but the box was damaged again.',
		],
		closings: ['Thanks.', 'Kind regards, a customer.', 'Looking forward to your reply.', 'Have a nice day.'],
	},
};

const TOPICS = ['refund', 'delivery', 'damaged', 'billing', 'complaint'];
const LANGS = [['uk', 0.3], ['ru', 0.25], ['lt', 0.2], ['en', 0.25]];
const PRIORITIES = [['low', 0.2], ['normal', 0.5], ['high', 0.22], ['urgent', 0.08]];
const STATUSES = [['new', 0.35], ['open', 0.3], ['pending', 0.12], ['hold', 0.05], ['solved', 0.18]];
const TYPES = [['question', 0.4], ['incident', 0.35], ['problem', 0.15], ['task', 0.1]];
const EXTRA_TAGS = ['vip', 'repeat_contact', 'social_media', 'mobile_app', 'b2b', 'escalated', 'wholesale'];

function weighted(r, table) {
	let x = r();
	for (const [v, w] of table) {
		if (x < w)
			return v;
		x -= w;
	}
	return table[table.length - 1][0];
}

function fill(r, s, L) {
	return s.replace(/\{item\}/g, () => pick(r, L.items))
		.replace(/\{order\}/g, () => '#' + between(r, 100000, 999999))
		.replace(/\{city\}/g, () => pick(r, L.cities))
		.replace(/\{name\}/g, () => pick(r, L.names))
		.replace(/\{amount\}/g, () => String(between(r, 9, 2500)) + '.' + String(between(r, 0, 99)).padStart(2, '0'))
		.replace(/\{date\}/g, () => `${String(between(r, 1, 28)).padStart(2, '0')}.${String(between(r, 1, 12)).padStart(2, '0')}.2024`);
}

function shuffle(r, a) {
	for (let i = a.length - 1; i > 0; i--) {
		const j = Math.floor(r() * (i + 1));
		[a[i], a[j]] = [a[j], a[i]];
	}
	return a;
}

function clip(s, lo, hi, pad) {
	while ([...s].length < lo)
		s += ' ' + pad();
	const cps = [...s];
	return cps.length > hi ? cps.slice(0, hi).join('').trimEnd() : s;
}

// One ticket: {lang, topic, ticket: {...API body...}}.
export function makeTicket(r) {
	const lang = weighted(r, LANGS);
	const L = LANG[lang];
	const topic = pick(r, TOPICS);
	const second = r() < 0.3 ? pick(r, TOPICS) : null;

	let subject = fill(r, pick(r, L.subjects), L);
	for (let k = 0; k < 2 && r() < 0.4; k++)
		subject += fill(r, pick(r, L.suffixes), L);
	subject = clip(subject, 20, 80, () => fill(r, pick(r, L.items), L));

	// sentences drawn without repetition from the topic(s) and the context
	// pool, reshuffled when used up
	const pool = [...L.topics[topic], ...(second ? L.topics[second] : []), ...L.context];
	let deck = [];
	const draw = () => {
		if (!deck.length)
			deck = shuffle(r, pool.slice());
		return fill(r, deck.pop(), L);
	};
	const target = between(r, 200, 2000);
	const parts = [pick(r, L.greetings)];
	let len = parts[0].length;
	while (len < target) {
		const s = draw();
		parts.push(s);
		len += s.length + 1;
	}
	// a rare sentence: about 4 tickets in 1000 of a language mention it
	if (r() < 0.004)
		parts.splice(1 + Math.floor(r() * (parts.length - 1)), 0, pick(r, L.rare));
	if (r() < 0.8)
		parts.push(pick(r, L.closings));
	let body = parts.join(' ');
	body = clip(body, 200, 2000, draw);

	const tags = [topic, 'lang_' + lang];
	if (second && second !== topic)
		tags.push(second);
	if (r() < 0.25)
		tags.push(pick(r, EXTRA_TAGS));

	return {
		lang,
		topic,
		ticket: {
			subject,
			comment: { body },
			priority: weighted(r, PRIORITIES),
			status: weighted(r, STATUSES),
			type: weighted(r, TYPES),
			tags,
		},
	};
}

// A comment on a ticket of language lang: 1-4 sentences.
export function makeComment(r, lang) {
	const L = LANG[lang];
	const n = between(r, 1, 4);
	const parts = [];
	for (let i = 0; i < n; i++)
		parts.push(i === 0 || r() < 0.5 ? pick(r, L.followups) : fill(r, pick(r, L.topics[pick(r, TOPICS)]), L));
	return { body: parts.join(' '), public: r() < 0.75 };
}
