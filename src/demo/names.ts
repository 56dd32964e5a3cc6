// Small name lists per language. Persian has no vowels in script, so its names come with their
// Latin spelling; Russian is transliterated by rule; Finnish/Norwegian letters are folded to ASCII.

export type LanguageCode = 'en' | 'fi' | 'ru' | 'fa' | 'nb';

const en = {
  male: 'James Oliver Jack Harry George Thomas William Charlie Daniel Samuel Joseph David Michael Peter Richard Andrew Christopher Matthew Benjamin Edward Henry Alexander Robert Paul Mark',
  female: 'Olivia Amelia Emily Isla Ava Jessica Sophie Charlotte Grace Lucy Hannah Emma Sarah Laura Rebecca Rachel Elizabeth Victoria Alice Chloe Megan Helen Claire Louise Ruth',
  last: "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen O'Brien Murphy Khan Price",
};

const fi = {
  male: 'Juha Mikko Timo Matti Kari Jari Antti Jukka Mika Markku Pekka Ville Janne Lauri Eero Onni Väinö Aleksi Joonas Tuomas Sami Petri Heikki Olli Eino',
  female: 'Anna Maria Aino Helena Johanna Tuula Päivi Sari Leena Riitta Kaisa Elina Laura Emmi Sanna Minna Hanna Tiina Aada Eevi Venla Sofia Iida Pirjo Satu',
  last: 'Korhonen Virtanen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen Koskinen Järvinen Lehtonen Lehtinen Saarinen Salminen Heinonen Niemi Heikkilä Kinnunen Salonen Turunen Salo Laitinen Tuominen Rantanen Karjalainen Jokinen Mattila Savolainen Lahtinen Ahonen Hiltunen Väisänen Kallio Pitkänen Räsänen',
};

const nb = {
  male: 'Ole Lars Jan Per Bjørn Kjell Knut Arne Svein Hans Geir Tor Magnus Jonas Henrik Sindre Eirik Håkon Sigurd Emil Kristian Øystein Anders Espen Trond',
  female: 'Anne Inger Kari Marit Ingrid Liv Eva Berit Astrid Bjørg Hilde Nora Emma Sofie Ingeborg Maja Sigrid Thea Solveig Kristin Silje Ragnhild Åse Tone Ida',
  last: 'Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen Johnsen Pettersen Eriksen Berg Haugen Hagen Johannessen Andreassen Jacobsen Dahl Jørgensen Halvorsen Henriksen Lund Sørensen Moen Gundersen Iversen Strand Solberg Svendsen Eide Knutsen Martinsen Bakken Mathisen Lie Amundsen Ødegård Haugland Aas',
};

const ru = {
  male: 'Александр Алексей Андрей Дмитрий Сергей Иван Михаил Николай Павел Владимир Юрий Олег Игорь Константин Евгений Максим Артём Кирилл Илья Роман Виктор Григорий Борис Степан Фёдор',
  female: 'Анна Мария Елена Ольга Наталья Татьяна Ирина Светлана Екатерина Юлия Анастасия Дарья Ксения Полина Вера Надежда Людмила Галина Алина Виктория Софья Марина Евгения Валентина Алёна',
  // Male forms; the female form is derived (Иванов → Иванова, Вишневский → Вишневская).
  last: 'Иванов Смирнов Кузнецов Попов Соколов Лебедев Козлов Новиков Морозов Петров Волков Соловьёв Васильев Зайцев Павлов Семёнов Голубев Виноградов Богданов Фёдоров Михайлов Орлов Макаров Андреев Ковалёв Ильин Никитин Жуков Медведев Егоров Сорокин Калинин Вишневский Шевченко Ким Белов Тарасов Громов Щербаков Ершов',
};

const fa = {
  male: 'محمد|mohammad علی|ali حسین|hossein رضا|reza مهدی|mahdi امیر|amir حسن|hassan سعید|saeed مجید|majid داریوش|dariush کوروش|kourosh بهرام|bahram فرهاد|farhad آرش|arash بابک|babak سیاوش|siavash کامران|kamran مسعود|masoud پیمان|peyman امید|omid نیما|nima سینا|sina پویا|pouya مهران|mehran جواد|javad',
  female: 'فاطمه|fatemeh زهرا|zahra مریم|maryam سارا|sara نگار|negar لیلا|leila شیرین|shirin مهسا|mahsa نرگس|narges پریسا|parisa نازنین|nazanin الهام|elham سمیرا|samira آزاده|azadeh فرشته|fereshteh مینا|mina یاسمن|yasaman ترانه|taraneh گلناز|golnaz رویا|roya هانیه|haniyeh ستاره|setareh نسرین|nasrin شیما|shima بهاره|bahareh',
  last: 'احمدی|ahmadi محمدی|mohammadi حسینی|hosseini رضایی|rezaei کریمی|karimi موسوی|mousavi جعفری|jafari رحیمی|rahimi صادقی|sadeghi هاشمی|hashemi تهرانی|tehrani کاظمی|kazemi قاسمی|ghasemi نوری|nouri عباسی|abbasi اکبری|akbari فرهادی|farhadi نجفی|najafi شریفی|sharifi اصفهانی|esfahani شیرازی|shirazi تبریزی|tabrizi امینی|amini یزدانی|yazdani سلیمانی|soleimani بهرامی|bahrami زمانی|zamani مرادی|moradi کرمانی|kermani رستمی|rostami',
};

/** A name in its own script and the ASCII spelling used for e-mail addresses. */
export interface Name {
  native: string;
  latin: string;
}

const RU_LATIN: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'yo', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch',
  ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
};

export function transliterateRussian(s: string): string {
  let out = '';
  for (const ch of s.toLowerCase()) out += RU_LATIN[ch] ?? ch;
  return out;
}

/** ASCII for e-mail local parts: folds ä ö å ø æ, drops apostrophes and anything else. */
export function asciiFold(s: string): string {
  return s
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .normalize('NFD')
    .replace(/ø/g, 'o')
    .replace(/[^a-z0-9-]/g, '');
}

function words(list: string, latin: (s: string) => string): Name[] {
  return list.split(' ').map((w) => {
    const [native, given] = w.split('|') as [string, string | undefined];
    return { native, latin: given ?? latin(native) };
  });
}

export function russianFemaleSurname(male: Name): Name {
  const n = male.native;
  if (/(ов|ев|ёв|ин|ын)$/.test(n)) return { native: n + 'а', latin: male.latin + 'a' };
  if (n.endsWith('ский')) return { native: n.slice(0, -2) + 'ая', latin: male.latin.slice(0, -2) + 'aya' };
  return male;
}

export interface NameSet {
  male: Name[];
  female: Name[];
  last: Name[];
}

export const NAMES: Record<LanguageCode, NameSet> = {
  en: { male: words(en.male, asciiFold), female: words(en.female, asciiFold), last: words(en.last, asciiFold) },
  fi: { male: words(fi.male, asciiFold), female: words(fi.female, asciiFold), last: words(fi.last, asciiFold) },
  nb: { male: words(nb.male, asciiFold), female: words(nb.female, asciiFold), last: words(nb.last, asciiFold) },
  ru: { male: words(ru.male, transliterateRussian), female: words(ru.female, transliterateRussian), last: words(ru.last, transliterateRussian) },
  fa: { male: words(fa.male, asciiFold), female: words(fa.female, asciiFold), last: words(fa.last, asciiFold) },
};

/** Company name parts per language: [prefix words, line of business, legal forms]. */
export const COMPANY_PARTS: Record<LanguageCode, { words: Name[]; trades: Name[]; forms: string[] }> = {
  en: {
    words: words('Northwind Oakfield Riverside Kingsbridge Greenway Silverline Highland Redbrick Westgate Harbourside Ashdown Bramley', asciiFold),
    trades: words('Trading Foods Interiors Logistics Supplies Consulting Design Outfitters Engineering Print', asciiFold),
    forms: ['Ltd', 'Ltd', 'LLP', 'PLC'],
  },
  fi: {
    words: words('Pohjolan Saimaan Lapin Kaamos Revontuli Koivu Kuusi Tunturi Merituuli Hopeajärvi Kallio Aalto', asciiFold),
    trades: words('Rakennus Kauppa Tekniikka Puutarha Kuljetus Konsultointi Leipomo Sähkö Kiinteistöt Tilitoimisto', asciiFold),
    forms: ['Oy', 'Oy', 'Oy', 'Ky', 'Oyj'],
  },
  nb: {
    words: words('Fjord Nordlys Vestland Havbris Fjellheim Bølgen Polar Tindeland Skog Kyst Midnattsol Viken', asciiFold),
    trades: words('Bygg Handel Transport Fisk Eiendom Regnskap Rørlegger Elektro Interiør Maskin', asciiFold),
    forms: ['AS', 'AS', 'AS', 'ASA', 'ANS'],
  },
  ru: {
    words: words('Восход Берёзка Балтика Вектор Меридиан Прогресс Союз Сибирь Урал Волга Полюс Альфа', transliterateRussian),
    trades: words('Трейд Строй Логистик Сервис Продукт Техно Мебель Снаб Консалт Принт', transliterateRussian),
    forms: ['ООО', 'ООО', 'ООО', 'АО'],
  },
  fa: {
    words: words('پارس|pars آریا|aria البرز|alborz سپاهان|sepahan کوثر|kowsar زاگرس|zagros نگین|negin دماوند|damavand آفتاب|aftab مهر|mehr کاوه|kaveh ستاره|setareh', asciiFold),
    trades: words('بازرگانی|trading صنایع|industries تجارت|tejarat ساختمانی|construction پخش|distribution فناوری|tech حمل‌ونقل|transport غذایی|foods', asciiFold),
    forms: ['شرکت'],
  },
};

export function companyName(lang: LanguageCode, word: Name, trade: Name, form: string): { native: string; latin: string } {
  const latin = `${word.latin}-${trade.latin}`;
  switch (lang) {
    case 'ru':
      return { native: `${form} «${word.native}${trade.native.toLowerCase()}»`, latin };
    case 'fa':
      return { native: `${form} ${trade.native} ${word.native}`, latin };
    default:
      return { native: `${word.native} ${trade.native} ${form}`, latin };
  }
}
