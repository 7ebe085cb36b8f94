/**
 * Schema-driven detection: a value is personal because of where it sits, not what it looks like. A
 * property named like an email, phone, SSN or person-name field (`email`, `mobile_no`, `msisdn`,
 * `displayName`, `given`/`family`), a person's role (`author`, `assignee`, `owner`), a `{system, value}`
 * contact point, a column with such a header (CSV text or a 2-D array with a header row), or a
 * `format: "email"` in the tool's output schema marks its whole value. Each value must also look the
 * part for its type (a phone field's value has seven digits, a name field's value is words), so
 * placeholders (`n/a`, `none`, `Support`) are never taken. Such values are not re-detectable by shape,
 * so the vault remembers them and replaces them wherever they appear later, except single words that are
 * also ordinary words of dates (a first name `June`), which are tokenized where they sit only.
 */
import { detach } from "./detach.js";
import { perKey } from "./per-key.js";
import { phoneLibrary } from "./phone-library.js";
import { asciiOfWide } from "./wide.js";
import { commonWordsNotNames, commonWordsThatAreNames } from "./word-lists.js";

/** The words of a property name: `mobileNo` → `mobile no`, `PRIMARY_EMAIL` → `primary email`. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z\d])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** Words that make a key about the value's kind or state, not the value itself (`email_verified`). */
const QUALIFIERS = new Set(
  (
    "verified confirmed status type kind count enabled disabled template subject body sent domain format " +
    "valid validated id ids code prefix ext extension country carrier opt optin consent bounce bounced " +
    "provider label visibility visible public private primary? is has can allow allowed hash hashed " +
    "length hint mask masked policy required field fields column key keys url uri link" +
    " icon color colour"
  )
    .split(" ")
    .filter((w) => !w.endsWith("?")),
);
const EMAIL_WORDS = new Set(["email", "mail", "emailaddress", "courriel", "correo"]);
const PHONE_WORDS = new Set([
  "phone",
  "phonenumber",
  "telephone",
  "tel",
  "mobile",
  "cell",
  "cellphone",
  "fax",
  "msisdn",
  "whatsapp",
  "telefon",
  "telefono",
  "teléfono",
  "téléphone",
  "telefone",
  "móvil",
  "movil",
  "portable",
  "handy",
  "handynummer",
  "landline",
  "sms",
  "pager",
  "beeper",
  "celular",
  "cellulare",
  "telefoon",
  "rufnummer",
]);
/** The number words compounds end in (`Telefonnummer`, `telefoonnummer`, `telefonnr`). */
const COMPOUND_NUMBER = /(?:nummer|number|numero|número|nr|no)$/;
/** A phone word followed by a number word in one word. */
function phoneCompound(w: string): boolean {
  const m = COMPOUND_NUMBER.exec(w);
  return m !== null && m.index > 0 && PHONE_WORDS.has(w.slice(0, m.index));
}
/** `contact number`, `mobile no`: a number word after a phone-ish word. */
const NUMBER_WORDS = new Set(["number", "no", "num", "nr", "nbr"]);
const SSN_WORDS = new Set(["ssn", "itin", "socialsecurity", "socialsecuritynumber", "taxpayer"]);
/** Words that, before `name`, make it a person's name (`full name`, `contact name`, `account holder name`). */
const PERSON_NAME_QUALIFIERS = new Set(
  (
    "full first last given family middle display contact customer client employee patient person " +
    "member holder legal maiden birth sender recipient author owner assignee reporter requester " +
    "organizer organiser attendee participant guest passenger traveler traveller student teacher " +
    "doctor physician applicant candidate beneficiary cardholder signer signatory buyer seller billing " +
    "shipping recipient's father mother spouse emergency real preferred nick " +
    // The parties of a payment (ISO 20022's debtor and creditor) and of a call.
    "counterparty payee payer debtor creditor remitter caller"
  ).split(" "),
);
/** Words that make a `...name` about something other than a person. */
const THING_WORDS = new Set(
  (
    "company business organization organisation org team group channel project repo repository branch " +
    "file folder directory host hostname server service app application product item sku brand model " +
    "device bucket table column field schema database db event calendar city street country state " +
    "region domain package module class function method tool job task queue topic tag label category " +
    "plan tier role queue store shop site page template workspace space board list sheet tab image " +
    "container pod node cluster network bank merchant vendor supplier account_type"
  ).split(" "),
);
const NAME_WORDS = new Set([
  "fullname",
  "firstname",
  "lastname",
  "middlename",
  "givenname",
  "familyname",
  "surname",
  "forename",
  "displayname",
  "nom",
  "prénom",
  "prenom",
  "nombre",
  "apellido",
  "apellidos",
  "nome",
  "cognome",
  "vorname",
  "nachname",
  "naam",
  "achternaam",
  "voornaam",
]);
/** Roles whose value is a person: a name, or an object whose `name` is the person's name. */
const ROLE_WORDS = new Set(
  (
    "author assignee owner reporter requester creator reviewer approver organizer organiser attendee " +
    "sender recipient signer committer submitter contact customer client patient employee manager " +
    "participant member user assigned created updated modified closed resolved approved requested " +
    "performer practitioner agent responsible lead person"
  ).split(" "),
);
/**
 * The words for a record's person in charge or its contact, in the languages of the largest locales
 * (German, Dutch, French, Spanish, Portuguese, Italian, the Nordic languages, Polish, Czech, Turkish,
 * Russian, Japanese, Chinese, Korean): contact, owner, responsible, assignee, author, customer, employee.
 * A header or key of one word (`Kontakt`, `Verantwortlich`, `担当者`) holds a person as `owner` does. Kept
 * apart from {@link ROLE_WORDS}, whose words also make a value no name (see {@link namesARole}).
 */
const ROLE_WORDS_ABROAD = new Set(
  // contact
  (
    "kontakt kontaktperson ansprechpartner contactpersoon contacto contato contatto yhteyshenkilö " +
    "kontaktní контакт 連絡担当 联系人 聯絡人 담당자 " +
    // responsible, in charge, assignee
    "verantwortlich verantwortlicher verantwortliche zuständig zuständiger bearbeiter sachbearbeiter " +
    "verantwoordelijke behandelaar responsable responsables responsabile responsável responsavel " +
    "asignado encargado encargada atribuído assegnatario incaricato ansvarig ansvarlig vastuuhenkilö odpowiedzialny " +
    "osoba odpowiedzialná sorumlu ответственный исполнитель 担当者 担当 負責人 负责人 经办人 处理人 " +
    // owner
    "eigentümer besitzer inhaber eigenaar propriétaire propietario proprietário proprietario titolare " +
    "dono dueño ägare ejer eier omistaja właściciel vlastník владелец 所有者 " +
    // author, customer, employee
    "verfasser autor auteur autore författare forfatter tekijä kunde klant cliente klient müşteri " +
    "клиент 顧客 客户 客戶 고객 mitarbeiter medewerker employé empleado funcionário dipendente " +
    "anställd ansatt työntekijä pracownik сотрудник 社員 従業員 员工 員工 직원"
  ).split(" "),
);

/**
 * Words for a person's name itself in those languages (`氏名`, `Nachname`, `nazwisko`, `фамилия`), as
 * {@link NAME_WORDS} are in English, French, Spanish, Italian, German and Dutch; a bare `name` of a
 * language (`namn`, `navn`, `名前`) is read as `name` is (see {@link bareName}).
 */
const NAME_WORDS_ABROAD = new Set(
  (
    "förnamn efternamn fornavn efternavn etternavn etunimi sukunimi imię nazwisko příjmení " +
    "soyad soyadı фамилия отчество фио 氏名 姓名 姓 성명 성함"
  ).split(" "),
);
/**
 * A bare `name` in those languages: a person's name beside an email or a phone, as `name` is. Words for
 * any name (`имя`, `jméno`, `名字`) are here, not above: `имя_файла` is a file's name, `uživatelské jméno`
 * a login.
 */
const BARE_NAME_ABROAD = new Set("namn navn nimi isim имя jméno 名字 名前 이름".split(" "));

/**
 * Acts done by a person, before `by` in a key (`deployed_by`, `merged_by`). Not acts as often done by
 * machines, services or rules (`triggered`, `generated`, `caused`, `sorted`, `powered`; `paid_by: "PayPal"`,
 * `signed_by: "DigiCert"`, `locked_by: "Terraform"`, `checked_by: "SonarQube"`).
 */
const ACTS_OF_PEOPLE = new Set(
  (
    "deploy deployed merge merged sign signed review reviewed edit edited submit submitted invite invited " +
    "upload uploaded push pushed cancel cancelled canceled handle handled escalate escalated accept " +
    "accepted reject rejected archive archived delete deleted complete completed own owned"
  ).split(" "),
);

/**
 * Words for people by their relation or part (`account_holder`, `guardian`, `spouse`): the value is a
 * person. Not words as often said of things (`parent`, `partner`, `driver`, `candidate`).
 */
const PERSON_NOUNS = new Set(
  (
    "holder cardholder policyholder beneficiary guardian spouse father mother tenant landlord insured " +
    "signatory applicant passenger traveler traveller student teacher doctor physician nurse caregiver witness"
  ).split(" "),
);
/** A word that names an email, phone or SSN value itself. */
const typeWord = (w: string): boolean => EMAIL_WORDS.has(w) || PHONE_WORDS.has(w) || SSN_WORDS.has(w);
/** Keys listing people (`attendees: [{name}]`). */
const PEOPLE_WORDS = new Set(
  (
    "attendees members users contacts customers clients employees participants assignees reviewers " +
    "authors people persons patients recipients guests passengers students staff team_members owners " +
    "signers approvers requesters reporters subscribers followers watchers collaborators"
  ).split(" "),
);

/** What a key says about its value: a value type, a role (the value is a person), or nothing. */
export type KeyKind = "EMAIL" | "PHONE" | "NAME" | "SSN" | "ROLE" | "PEOPLE" | undefined;

/** What a property name says about its value (see {@link KeyKind}). Keys of any length are read. */
export const keyKind: (key: string) => KeyKind = perKey((key) =>
  key.length > 200 ? undefined : classify(keyWords(key)),
);

/** Words a form builder or a tracker puts before a field's own name (`custom_field_assignee`, `cf_owner`). */
const FIELD_PREFIX = new Set(["custom", "field", "fields", "cf"]);

function classify(all: string[]): KeyKind {
  // `custom_field_assignee` is the `assignee` field (`field` alone would read as a qualifier).
  let from = 0;
  while (from < all.length - 1 && FIELD_PREFIX.has(all[from]!)) from++;
  const words = from === 0 ? all : all.slice(from);
  if (words.length === 0) return undefined;
  const joined = words.join("");
  const last = words[words.length - 1]!;
  // A qualifier makes the key about the value's kind or state (`email_verified`, `phone_country_code`),
  // unless the last word names the value itself (`tax_id_ssn`, `email_address`, `contact_phone_no`).
  if (
    words.some((w) => QUALIFIERS.has(w)) &&
    !(last === "address" || NUMBER_WORDS.has(last) || typeWord(last))
  )
    return undefined;
  // `created_by`, `assigned_to`: a person.
  if (words.length >= 2 && (last === "by" || last === "to") && ROLE_WORDS.has(words[words.length - 2]!))
    return "ROLE";
  // `deployed_by`, `last_deploy_by`, `merged_by`: a person's act.
  if (words.length >= 2 && last === "by" && ACTS_OF_PEOPLE.has(words[words.length - 2]!)) return "ROLE";
  if (
    words.some((w) => EMAIL_WORDS.has(w) || (w.endsWith("s") && EMAIL_WORDS.has(w.slice(0, -1)))) ||
    joined.endsWith("emailaddress") ||
    joined.endsWith("emailaddresses") ||
    joined === "email"
  )
    return "EMAIL";
  if (words.includes("e") && words.includes("mail")) return "EMAIL";
  // Plurals name lists of them (`phones`, `mobiles`, `phoneNumbers`, `emails`); a compound of a phone
  // word and a number word is one word in German and Dutch (`Telefonnummer`, `telefoonnummer`).
  if (
    words.some(
      (w) => PHONE_WORDS.has(w) || (w.endsWith("s") && PHONE_WORDS.has(w.slice(0, -1))) || phoneCompound(w),
    )
  )
    return "PHONE";
  if (words.length >= 2 && NUMBER_WORDS.has(last) && words[words.length - 2] === "contact") return "PHONE";
  if (words.some((w) => SSN_WORDS.has(w)) || joined.includes("socialsecurity")) return "SSN";
  if (joined === "taxid" || joined === "tin" || joined === "itin") return "SSN";
  if (words.some((w) => THING_WORDS.has(w))) return undefined;
  if (NAME_WORDS.has(joined) || words.some((w) => NAME_WORDS.has(w) || NAME_WORDS_ABROAD.has(w)))
    return "NAME";
  const at = words.lastIndexOf("name");
  if (at > 0 && words.slice(0, at).some((w) => PERSON_NAME_QUALIFIERS.has(w))) return "NAME";
  // The same in one lower-case word (`contactname`, `ownername`, `assigneename`).
  if (words.length === 1 && joined.endsWith("name") && PERSON_NAME_QUALIFIERS.has(joined.slice(0, -4)))
    return "NAME";
  if (words.length <= 2 && (ROLE_WORDS.has(last) || PERSON_NOUNS.has(last) || ROLE_WORDS_ABROAD.has(last)))
    return "ROLE";
  if (words.length <= 2 && PEOPLE_WORDS.has(last)) return "PEOPLE";
  return undefined;
}

/** Words that make an id key a payment card's (`card_id`, `cc_id`, `pan_id`): its digits may be the card. */
const CARD_WORDS = new Set(["card", "cards", "cc", "pan", "payment", "credit", "debit"]);

/**
 * A key whose last word is `id` or `ids` (`id`, `customer_id`, `orderIds`): a record's identifier, unless
 * another word names a payment card.
 */
export const namesId: (key: string) => boolean = perKey((key) => {
  if (key.length > 200) return false;
  const words = keyWords(key);
  const last = words[words.length - 1];
  return (last === "id" || last === "ids") && !words.some((w) => CARD_WORDS.has(w));
});

/** Words before `name` that make it a login, not a person's name (`user_name`, `screen_name`). */
const LOGIN_WORDS = new Set(["user", "screen", "login", "account", "handle", "code"]);

/**
 * True for a `... name` key whose other words are neither a thing, a qualifier nor a login
 * (`vollständiger Name`), or a bare `name` in another language (`имя`, `navn`): a person's name only in a
 * person's record or a contact table.
 */
export const namesSomeName: (key: string) => boolean = perKey((key) => {
  if (key.length > 200) return false;
  if (BARE_NAME_ABROAD.has(key.toLowerCase())) return true;
  const words = keyWords(key);
  if (words.length < 2 || words[words.length - 1] !== "name") return false;
  return !words.some((w) => THING_WORDS.has(w) || QUALIFIERS.has(w) || LOGIN_WORDS.has(w));
});

/** A login's key (`username`, `user_name`, `userName`): a handle, or a person's full name written out. */
export const namesUserName: (key: string) => boolean = perKey(
  (key) => key.length <= 40 && keyWords(key).join("") === "username",
);

/**
 * A login's value that is a person's name (`Elena Rossi`, not `erossi` or `elena.rossi`): two words or
 * more, each capitalised, as a handle never is.
 */
export const fullNameShape = (value: string): boolean =>
  value.length <= 80 && /^\p{Lu}[\p{L}\p{M}'’.-]*(?: \p{Lu}[\p{L}\p{M}'’.-]*)+$/u.test(value);

/** Words of a product code's key: its digits are a barcode, never a card (`ean`, `gtin14`, `barcode`). */
const PRODUCT_CODE_WORDS = /^(?:ean|gtin|upc|isbn|barcode|sku|asin|mpn)\d{0,2}$/;

/** True when a property holds a product code (`ean`, `gtin`, `upc`, `barcode`, `isbn13`). */
export const namesProductCode: (key: string) => boolean = perKey(
  (key) => key.length <= 60 && keyWords(key).some((w) => PRODUCT_CODE_WORDS.test(w)),
);

/** The type a property name implies (`work_email` → `EMAIL`), or undefined. */
export function typeForKey(key: string): string | undefined {
  const kind = keyKind(key);
  return kind === "ROLE" || kind === "PEOPLE" ? undefined : kind;
}

/** The type a JSON Schema node's `format` implies (`email`, `idn-email`, `phone`, `tel`), or undefined. */
export function typeForSchema(schema: unknown): string | undefined {
  if (typeof schema !== "object" || schema === null) return undefined;
  const format = (schema as { format?: unknown }).format;
  if (format === "email" || format === "idn-email") return "EMAIL";
  if (format === "phone" || format === "tel" || format === "phone-number") return "PHONE";
  return undefined;
}

/** Values of a sibling `type`-like property that make a bare `name` a person's name. */
const PERSON_KINDS = new Set([
  "person",
  "people",
  "contact",
  "user",
  "customer",
  "employee",
  "patient",
  "member",
  "individual",
  "lead",
]);
const KIND_KEYS = ["entityType", "type", "kind", "category", "resourceType", "object"];
/** Sibling keys that say an object is a user account: `{login, name}`. */
const ACCOUNT_KEYS = new Set([
  "login",
  "username",
  "userName",
  "user_name",
  "handle",
  "avatar_url",
  "avatarUrl",
]);

/** An email address as a mailbox object's `address` holds it. */
const MAILBOX_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** A FHIR reference to a person's resource: `{reference: "Practitioner/123", display: "..."}`. */
const PERSON_REFERENCE = /^(?:\S*\/)?(?:Patient|Practitioner|RelatedPerson|Person)\/[^/\s]+$/;

/**
 * True when an object describes a person, so that its bare `name` (or a reference's `display`) is a
 * person's name: it says so
 * (`entityType: "person"`), holds an email or phone field (`{name, email}`), is a user account
 * (`{login, name}`), a mailbox (`{name, address}`), or refers to a person's resource.
 */
export function isPersonObject(obj: Record<string, unknown>): boolean {
  const ref = obj.reference;
  if (typeof ref === "string" && PERSON_REFERENCE.test(ref)) return true;
  // A mailbox: `{name, address: "jane@..."}` (Microsoft Graph's `emailAddress`, help desks' `from`).
  const address = obj.address;
  if (typeof address === "string" && address.length <= 320 && MAILBOX_ADDRESS.test(address)) return true;
  for (const k of KIND_KEYS) {
    const v = obj[k];
    if (typeof v === "string" && PERSON_KINDS.has(v.toLowerCase())) return true;
  }
  for (const k of Object.keys(obj)) {
    if (ACCOUNT_KEYS.has(k)) return true;
    const t = keyKind(k);
    if (t === "EMAIL" || t === "PHONE") return true;
  }
  return false;
}

// ------------------------------------------------------------------------------------------ values

/** Values that stand for "no value" in personal fields: never tokenized, never remembered. */
const PLACEHOLDERS = new Set(
  (
    "n/a|na|n.a.|none|null|nil|undefined|unknown|unassigned|nobody|no one|anonymous|anon|tbd|tba|tbc|" +
    "-|--|---|—|–|?|??|...|…|x|xx|xxx|support|admin|administrator|system|root|bot|team|everyone|all|" +
    "me|you|self|guest|user|customer|test|sample|example|default|other|various|noreply|no-reply|" +
    "not set|not provided|not available|not applicable|redacted|hidden|private|empty|blank|same|see above|see below"
  ).split("|"),
);

/**
 * "Nobody", "open", "pending", "unknown", "to be decided" and "not assigned" in the languages of
 * {@link ROLE_WORDS_ABROAD}, whose role keys hold them as English ones hold `unassigned`.
 */
const PLACEHOLDERS_ABROAD = new Set(
  // German, Dutch, French, Spanish, Portuguese, Italian
  (
    "niemand|keiner|keine|offen|ausstehend|unbekannt|nicht zugewiesen|geen|onbekend|niet toegewezen|" +
    "aucun|aucune|inconnu|en attente|non assigné|non attribué|à définir|ninguno|nadie|pendiente|" +
    "desconocido|sin asignar|nenhum|ninguém|pendente|desconhecido|não atribuído|nessuno|sconosciuto|" +
    "in attesa|non assegnato|da definire|" +
    // Nordic, Polish, Czech, Turkish, Russian
    "ingen|okänd|ukendt|ukjent|ei kukaan|tuntematon|avoin|brak|nikt|nieznany|nieprzypisany|nikdo|" +
    "neznámý|nepřiřazeno|hiç kimse|bilinmiyor|atanmamış|beklemede|никто|нет|неизвестно|не назначен|" +
    "открыт|ожидает|" +
    // Japanese, Chinese, Korean
    "未定|未割当|未割り当て|なし|無し|不明|未設定|待定|未分配|无|暂无|未知|미정|미지정|없음"
  ).split("|"),
);

/** True for a placeholder such as `n/a`, `none`, `Support` or `—`. */
export function isPlaceholder(value: string): boolean {
  if (value.length > 24) return false;
  return PLACEHOLDERS.has(value.trim().toLowerCase());
}

/**
 * True for a placeholder of another language (`Offen`, `未定`). Only a role's whole value: as a word of a
 * name or in a name field, such words are surnames too (`Ron Offen`, `Hans Keiner`).
 */
function isPlaceholderAbroad(value: string): boolean {
  return value.length <= 24 && PLACEHOLDERS_ABROAD.has(value.trim().toLowerCase());
}

/**
 * Words for a department, a team or an office in those languages, whole or ending a compound
 * (`IT-Abteilung`, `Vertriebsabteilung`, `Équipe Support`, `技术部门`). Japanese and Chinese departments
 * end in `部` too (`営業部`), as do surnames (`阿部`, `服部`): only after a business function.
 */
const BODIES_ABROAD =
  /(?:abteilung|zentrale|afdeling|avdelning|osasto|oddělení|отдел|部门|部門|团队|チーム|부서)$|^(?:team|équipe|equipe|equipo|departamento|département|dipartimento|reparto|dział|departman|команда|팀)$|^(?:営業|総務|人事|経理|技術|技术|開発|开发|研发|销售|市场|市場|財務|财务|法務|法务|企画|広報|製造|品質|情報システム)部$/;

/** Whether one of a value's words (split at spaces and hyphens) is a department's (see {@link BODIES_ABROAD}). */
const namesABodyAbroad = (v: string): boolean =>
  v.split(/[\s-]+/).some((w) => BODIES_ABROAD.test(w.toLowerCase()));

const NAME_SHAPE = /^[\p{L}\p{M}][\p{L}\p{M}'’.,\- ]*$/u;
const CASED_START = /^[\p{Lu}\p{Lt}]/u;
const UNCASED_LETTER = /^[\p{Lo}]/u;

/**
 * True when `value` can be a person's name: one to six words of letters (any script), apostrophes,
 * hyphens and initials' dots, no digits. `strict` (a role field such as `owner`, where logins and team
 * names also sit) wants a capitalised or uncased-script word, no single lower-case word, no word for a
 * thing or a role (`No Owner`), and does not read as prose (see {@link readsAsProse}).
 */
export function looksLikeName(value: string, strict: boolean): boolean {
  const v = value.trim();
  // One letter is a name only in a script without letter case (`王`, a Chinese family name), never an initial.
  if (v.length < 2 ? !UNCASED_LETTER.test(v) : v.length > 80 || isPlaceholder(v) || !NAME_SHAPE.test(v))
    return false;
  if (v.indexOf(".") !== -1 && /\.\p{Ll}{1,5}$/u.test(v)) return false; // a file name (`README.md`)
  if (wordCount(v) > 6) return false;
  // a company or a unit (`Initech GmbH`, `Acme Labs`, `IT-Abteilung`)
  if (endsInLegalForm(v) || endsInBodyWord(v) || namesABodyAbroad(v)) return false;
  // A name field's value (`first_name`, a person's `name`) alone is often a given name that is a word too
  // (`Poppy`); a state or a team has two words or more (`On Hold`, `Data Platform`) or is a verb's
  // participle (`Escalated`, `Pending`). Most names are one word or have no common word first: cheap.
  if (!strict) {
    const apostrophe = v.indexOf("'") !== -1 || v.indexOf("’") !== -1;
    if (!apostrophe && v.indexOf(" ") === -1 && !PARTICIPLE.test(v)) return true;
    const words = v.split(" ");
    return !((apostrophe && words.some(contractedNegation)) || commonWordsOnly(words));
  }
  if (isPlaceholderAbroad(v)) return false;
  const words = v.split(/\s+/);
  if (words.some((w) => isPlaceholder(w) || namesARole(w)) || readsAsProse(words)) return false;
  if (!words.some((w) => CASED_START.test(w) || UNCASED_LETTER.test(w))) return false;
  // A product's name with a capital inside (`PayPal`, `GitHub Actions`; not `McDonald`) is no person.
  if (words.some(camelCaseProduct)) return false;
  // One word alone is a given name as often as a word (`Rune`, `Sky`, `Per`), unless a participle (`Escalated`).
  if (words.length === 1) return !(PARTICIPLE.test(v) && commonWordsOnly(words));
  return !commonWordsOnly(words);
}

/**
 * A word with a capital inside after three letters or more, one of its parts a common word that is no
 * name part (`PagerDuty`, `SonarQube`, `GitHub`): a product's name. Names so written join name parts
 * (`AnnaMaria`, `RoseMarie`), or start with a short prefix (`McDonald`, `DeShawn`, `LaToya`) or one of
 * {@link NAME_PREFIXES} (`MacLeod`, `VanderLinden`, `NicAodha`). `PayPal`, whose parts are name parts
 * too, is not told from a name.
 */
function camelCaseProduct(word: string): boolean {
  const m = /^\p{Lu}(\p{Ll}{2,})\p{Lu}/u.exec(word);
  if (m === null || NAME_PREFIXES.has(word.slice(0, m[1]!.length + 1).toLowerCase())) return false;
  const common = commonWordsNotNames();
  return word.split(/(?=\p{Lu})/u).some((part) => common.has(part.toLowerCase()));
}
const NAME_PREFIXES: ReadonlySet<string> = new Set(
  (
    "mac van von der den del dal fitz mary ann anne lee rae mae kay dee jean sha ray " +
    "nic des dos san ten ter della dello dalla vander"
  ).split(" "),
);

/**
 * "Not", "no" and "without" in the languages of {@link ROLE_WORDS_ABROAD}: a role's value starting so
 * (`Nicht zugewiesen`, `Não atribuído`, `Без исполнителя`) says nobody holds it.
 */
const NEGATIONS_ABROAD: ReadonlySet<string> = new Set(
  "nicht kein keine ohne niet geen zonder non pas sans sin sem não nao senza ej inte ikke uden uten ei ilman nie bez ne не нет без".split(
    " ",
  ),
);

/** A word ending as an English verb's participles do (`Escalated`, `Pending`). */
const PARTICIPLE = /\p{Ll}(?:ed|ing)$/u;

/** Short function words that are names too in some cultures (`On Yee`, `In Ho`): no sign either way. */
const SHORT_FUNCTION_WORDS: ReadonlySet<string> = new Set("a an as at by in of on or to up".split(" "));

/**
 * True when a value's words are common English words, one at least a word of content (no function word),
 * and none is a part of a person's name in any culture (`On Hold`, `Data Platform`, `Escalated`): a state
 * or a team, not a person. `Will Smith`, `Grace Hopper` and `Rose Park` are words too, but names first. A
 * function word says nothing (`On Yee`, `Than Than Win`, `Are`); a word of one or two letters is an initial
 * or a romanized name as often (`A. J.`, `At Ma`).
 */
function commonWordsOnly(words: string[]): boolean {
  const common = commonWordsNotNames();
  let content = false;
  for (const word of words) {
    if (word === "") continue; // between two spaces
    let end = word.length;
    while (end > 0 && (word.charCodeAt(end - 1) === 46 || word.charCodeAt(end - 1) === 44)) end--; // `.` `,`
    const bare = end === word.length ? word : word.slice(0, end);
    for (const part of bare.indexOf("-") === -1 ? [bare] : bare.split("-")) {
      const w = part.toLowerCase();
      if (SHORT_FUNCTION_WORDS.has(w)) continue;
      if (w.length < 3) return false;
      if (FUNCTION_WORDS.has(w)) continue;
      if (!common.has(w)) return false; // not a common word, or a part of a name
      content = true;
    }
  }
  return content;
}

/**
 * A company's legal form as the last word (ISO 20275's common abbreviations), case-sensitive as registers
 * write them: forms no name ends in (`Inc.`, `LLC`, `GmbH`, `plc`, `Pty Ltd`); short ones that are also
 * surnames or name parts (`Co`, `Oy`, `Sa`) only written as abbreviations (`Co.`, `S.A.`, `, Oy`).
 */
const LEGAL_FORM =
  / (?:Inc|Incorporated|LLC|L\.L\.C|LLP|Ltd|Limited|Corp|Corporation|Company|GmbH|mbH|plc|PLC|S\.A\.S|S\.a\.r\.l|SARL|S\.r\.l|S\.p\.A|A\/S|Ltda|e\.V)\.?$| (?:Co|Pty|Oy|S\.A|B\.V|N\.V|K\.K)\.$|, (?:Co|Pty|Oy|SA|AB|AG|SE|KG|BV|NV|KK|ASA)\.?$/;
/** Upper-case short forms (`Siemens AG`, `Volvo AB`): a company's after a name in mixed case only. */
const UPPER_LEGAL_FORM = / (?:AG|KG|SE|SA|AB|ASA|BV|NV|KK)$/;

/**
 * Whether a value ends in a company's legal form. An upper-case short form after words all in upper
 * case is a name's part (a card holder's `ANA SA`), not a form.
 */
function endsInLegalForm(v: string): boolean {
  if (LEGAL_FORM.test(v)) return true;
  if (!UPPER_LEGAL_FORM.test(v)) return false;
  const rest = v.slice(0, v.lastIndexOf(" "));
  return rest !== rest.toUpperCase();
}

/**
 * Words that end the names of companies and their units but no person's (`Acme Labs`, `Wayne
 * Enterprises`, `Growth Squad`), in any case. None is a part of a person's name (`bureau` and `council`
 * are surnames: `Jacques Bureau`); a test checks it against the people-names list.
 */
export const BODY_WORDS: ReadonlySet<string> = new Set(
  (
    "industries holdings enterprises technologies solutions systems labs laboratories studios consulting " +
    "services ventures partners associates foundation institute agency department dept division " +
    "squad committee team teams unit ops operations group"
  ).split(" "),
);

/** Whether a value of two words or more ends in one of {@link BODY_WORDS}. */
function endsInBodyWord(v: string): boolean {
  const space = v.lastIndexOf(" ");
  return space > 0 && BODY_WORDS.has(v.slice(space + 1).toLowerCase());
}

/** A word of the key vocabulary for things or roles: `No Owner`, `Unknown Reviewer` name no one. */
function namesARole(word: string): boolean {
  const w = word.toLowerCase();
  return THING_WORDS.has(w) || ROLE_WORDS.has(w) || PEOPLE_WORDS.has(w);
}

/**
 * English function words of three letters or more: articles, pronouns, prepositions, conjunctions,
 * negations, auxiliaries. Not discovery's `STOP_WORDS`, whose extra words (`more`, `most`, `just`, `very`,
 * `given`, `tell`) are surnames too, and not `nor` (a common Malay given name). Shorter words are left out
 * (initials, particles such as `do`, romanized names such as `An`, `To`, `So`), and so are modal verbs,
 * given names as often (`Will`, `May`, `Can`).
 */
const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  (
    "the this that these those any some each every all both either neither not none nothing " +
    "and but yet than because while until unless though although " +
    "about above after against along among around before behind below beneath beside between beyond down " +
    "during for from into onto off out over past since through toward towards under upon via with within without " +
    "are was were been being did does doing done had has have having " +
    "she her hers him his its our ours their theirs them they who whom whose what which you your yours " +
    "here there when where why how"
  ).split(" "),
);

/** A negation or determiner: a value starting with one is a phrase (`Not Found`, `The Team`), not a name. */
const PROSE_START: ReadonlySet<string> = new Set(
  "the this that these those any some each every neither not none nothing".split(" "),
);

/** A verb's contracted negation (`Won't`, `Can’t`, `doesn't`): no name's word ends so. */
const contractedNegation = (word: string): boolean => /n['’]t[.,]?$/i.test(word);

/**
 * True when the words of a role's value read as prose (`Not Found`, `Not yet assigned`, `Over and out`,
 * `Won't Fix`): a contracted negation, a function word in lower case (names capitalise their words but for particles such as `van`, `de`), a
 * negation or determiner first, or two function words. One capitalised function word elsewhere says
 * nothing: surnames such as `Down`, `Over` or `Under` are prepositions too.
 */
function readsAsProse(words: string[]): boolean {
  let count = 0;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const w = word.replace(/[.,]+$/, "");
    if (contractedNegation(w)) return true;
    const lower = w.toLowerCase();
    // A negation of another language before a lower-case word (`Nicht zugewiesen`, `Sin asignar`,
    // `Не назначен`). Not any lower-case word: names have particles (`dela`, `ould`, `anak`) and people
    // type surnames in lower case (`John smith`).
    if (i === 1 && w === lower && w !== w.toUpperCase() && NEGATIONS_ABROAD.has(words[0]!.toLowerCase()))
      return true;
    if (!FUNCTION_WORDS.has(lower)) continue;
    if (w === lower || (i === 0 && PROSE_START.has(lower)) || ++count === 2) return true;
  }
  return false;
}

/** The words of a trimmed name (`NAME_SHAPE`: spaces are its only white space), counted without splitting. */
function wordCount(v: string): number {
  let n = 1;
  for (let i = 1; i < v.length; i++) if (v.charCodeAt(i) === 32 && v.charCodeAt(i - 1) !== 32) n++;
  return n;
}

const countDigits = (v: string): number => {
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
};

/**
 * True when a phone field's value can be a phone number: 7-15 digits and little else, not all one digit
 * repeated after any `+` country code (`000-000-0000`, `+44 0000 000000`: a placeholder, which would be
 * remembered and replaced in every other field that holds it).
 */
export function looksLikePhone(value: string): boolean {
  if (value.length > 40) return false;
  const digits = countDigits(value);
  if (digits < 7 || digits > 15 || oneDigitRepeated(value)) return false;
  return /^[\s\d+().\-\u00a0\u2007\u2009\u202f\u2010-\u2015\u2212/]*(?:(?:ext|x|#)\.?\s*\d{1,6})?$/i.test(
    value,
  );
}

/** A leading `+` and its first group of digits (a country code). */
const COUNTRY_CODE = /^\s*\+\d{1,3}(?=\D)/;

/** Whether a phone's digits, after a leading `+` and its first group (a country code), are one digit repeated. */
export function oneDigitRepeated(value: string): boolean {
  // Read in place (every phone field is checked): no string is made for the national part or its digits.
  const cc = value.indexOf("+") === -1 ? null : COUNTRY_CODE.exec(value);
  let first = -1;
  for (let i = cc === null ? 0 : cc[0].length; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    if (first === -1) first = c;
    else if (c !== first) return false;
  }
  return first !== -1;
}

/** True when an SSN field's value is nine digits, bare or grouped 3-2-4. */
export function looksLikeSsn(value: string): boolean {
  return /^\d{3}[-. ]?\d{2}[-. ]?\d{4}$/.test(value.trim());
}

/**
 * {@link looksLikeName} read once per value: a list's name fields repeat (the same first names, the same
 * assignees in every row), and the check is a dozen regexes and word lists.
 */
const cachedNameFits = perKey((v) => looksLikeName(v, false));
const cachedStrictNameFits = perKey((v) => looksLikeName(v, true));
const ASCII_DIGIT = /[0-9]/;
/**
 * Only short values are cached: a name is short, and a long cell would make the cache hold megabytes. A
 * value with a digit is no name ({@link NAME_SHAPE}) and is not cached either: ids and addresses under a
 * role's key (`client: "10.0.0.7"`) are each new, and would only churn the cache.
 */
const nameFits = (v: string) =>
  v.length > 96 ? looksLikeName(v, false) : !ASCII_DIGIT.test(v) && cachedNameFits(v);
const strictNameFits = (v: string) =>
  v.length > 96 ? looksLikeName(v, true) : !ASCII_DIGIT.test(v) && cachedStrictNameFits(v);

/** True when `value` may be taken as a value of `type` found by position. */
export function fieldValueFits(type: string, text: string, strict = false): boolean {
  if (text.trim() === "") return false;
  if (type === "NAME") return strict ? strictNameFits(text) : nameFits(text); // placeholders too
  // Full-width forms (`０３－１２３４－５６７８`, `ｋｅｎ＠ｅｘａｍｐｌｅ．ｊｐ`) are judged as their ASCII reading.
  const value = asciiOfWide(text, 0, text.length) ?? text;
  if (isPlaceholder(value)) return false;
  if (type === "EMAIL") return value.includes("@") && value.length <= 320 && !/\s/.test(value.trim());
  if (type === "PHONE") return looksLikePhone(value);
  if (type === "SSN") return looksLikeSsn(value);
  return value.length <= 256;
}

let calendarWords: Set<string> | undefined;
/** Month and weekday names in the languages of the largest locales, from `Intl`. */
function calendarWordSet(): Set<string> {
  if (calendarWords) return calendarWords;
  const set = new Set<string>();
  for (const locale of ["en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "pl"]) {
    for (const month of ["long", "short"] as const) {
      const f = new Intl.DateTimeFormat(locale, { month, timeZone: "UTC" });
      for (let m = 0; m < 12; m++) set.add(f.format(new Date(Date.UTC(2024, m, 15))).replace(/\.$/, ""));
    }
    const w = new Intl.DateTimeFormat(locale, { weekday: "long", timeZone: "UTC" });
    for (let d = 0; d < 7; d++) set.add(w.format(new Date(Date.UTC(2024, 0, 1 + d))));
  }
  calendarWords = new Set([...set].map((s) => s.toLowerCase()));
  return calendarWords;
}

/**
 * True when a value found by position may be remembered and replaced wherever it appears later. Not a
 * single word that is also a month or weekday (`June`, `May`); with `words` (a role field, where states
 * and teams sit too), nor a single common English word, a part of names or not (`Grace`, `Open`,
 * `Security`): it is tokenized where it sits only, so a status or a sentence holding the same word
 * (`Grace period`) keeps it. A name of two words or more is remembered. Without `words` (a name field, a
 * table's name column, a mailbox) a one-word name is the person's: `last_name: "Smith"` is replaced in
 * the notes that name them.
 */
export function rememberable(type: string, value: string, words = false): boolean {
  if (type !== "NAME") return true;
  if (value.indexOf(" ") !== -1) return true;
  const v = value.trim().toLowerCase();
  if (v.length < 2 || isCalendarWord(v)) return false;
  return !(words && (commonWordsNotNames().has(v) || commonWordsThatAreNames().has(v)));
}

/** True for a month or weekday name (`June`, `mai`), in any case. */
export function isCalendarWord(value: string): boolean {
  const v = value.trim().toLowerCase();
  return v.length <= 16 && (calendarWords ?? calendarWordSet()).has(v); // none is longer
}

// ------------------------------------------------------------------------------------------ regions

let regionIndex: Map<string, string> | undefined;
/** Country codes, English and native country names, lower case, to their region code. */
function regionNames(): Map<string, string> {
  if (regionIndex) return regionIndex;
  const map = new Map<string, string>();
  const locales = ["en", "fr", "de", "es", "it", "pt", "nl", "ja", "zh", "ru", "pl", "sv", "tr", "ko"];
  const names = locales.map((l) => new Intl.DisplayNames([l], { type: "region" }));
  for (const code of phoneLibrary().getCountries()) {
    map.set(code.toLowerCase(), code);
    for (const n of names) {
      const name = n.of(code);
      if (name && name !== code) map.set(name.toLowerCase(), code);
    }
  }
  map.set("uk", "GB");
  map.set("usa", "US");
  map.set("united states of america", "US");
  regionIndex = map;
  return map;
}

const REGION_KEYS = new Set([
  "country",
  // `country` in the languages of the largest regions (German and Dutch, French, Spanish and Portuguese, Italian).
  "land",
  "pays",
  "país",
  "pais",
  "paese",
  "countrycode",
  "countryiso",
  "countryiso2",
  "nationality",
  "region",
  "regioncode",
]);
const LOCALE_KEYS = new Set([
  "locale",
  "lang",
  "language",
  "languagecode",
  "locale_code",
  "preferredlanguage",
  "hl",
  "lng",
]);

/** True when a property may name a region or locale (`country`, `billingCountry`, `locale`, `lang`). */
export const isRegionKey: (key: string) => boolean = perKey((key) => {
  const k = key.toLowerCase().replace(/[\s_-]/g, "");
  return (
    REGION_KEYS.has(k) ||
    k.endsWith("country") ||
    k.endsWith("countrycode") ||
    LOCALE_KEYS.has(k) ||
    k.endsWith("locale") ||
    k.endsWith("language")
  );
});

/**
 * The phone region a property implies (`country: "France"`, `locale: "de_AT"`, `lang: "ja"`), or
 * undefined. A bare language names its most likely region (`Intl.Locale` maximization).
 */
export function regionForField(key: string, value: string): string | undefined {
  if (value.length > 60) return undefined;
  // Records of a list repeat their country and locale: each pair is read once (`Intl.Locale` is slow).
  const pair = `${key}\u0000${value}`;
  let region = fieldRegions.get(pair);
  if (region === undefined) {
    region = readRegion(key, value) ?? null;
    if (fieldRegions.size >= 4096) fieldRegions.clear();
    fieldRegions.set(detach(pair), region);
  }
  return region ?? undefined;
}

const fieldRegions = new Map<string, string | null>();

function readRegion(key: string, value: string): string | undefined {
  const k = key.toLowerCase().replace(/[\s_-]/g, "");
  const v = value.trim();
  if (REGION_KEYS.has(k) || k.endsWith("country") || k.endsWith("countrycode")) {
    return regionNames().get(v.toLowerCase());
  }
  if (LOCALE_KEYS.has(k) || k.endsWith("locale") || k.endsWith("language")) {
    try {
      const locale = new Intl.Locale(v.replace(/_/g, "-"));
      const region = locale.region ?? locale.maximize().region;
      return region !== undefined && regionNames().has(region.toLowerCase()) ? region : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

// ------------------------------------------------------------------------------------------ tables

/** A value found by position. */
export interface FieldValue {
  type: string;
  value: string;
  /** Where in its text the value was found, so copies elsewhere in that text can be told apart. */
  place?: FieldPlace | undefined;
}

/**
 * A value's place in a text block: under a JSON property (`key`), at an index of a JSON array (`index`,
 * a sheet's row), in a column of delimited text, or in a vCard/iCalendar name property.
 */
export type FieldPlace =
  | { key: string }
  | { index: number }
  | { column: number; delimiter: string }
  | { card: true }
  | { label: string };

const CARD_NAME_LINE = /^(?:FN|N|ORGANIZER|ATTENDEE)[;:]/i;

/**
 * True when `text[start, ...)` sits at `place`: right after `"key":` (with its opening quote), at that
 * index of the innermost JSON array, in that column of a row of delimited text (not the header), or on a
 * vCard name line. Read from the text around `start` only: cheap, and wrong only in the safe direction
 * (a copy not recognised stays as it is, as any copy outside the value's place does).
 */
export function atPlace(text: string, start: number, place: FieldPlace): boolean {
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  if ("card" in place) return CARD_NAME_LINE.test(text.slice(lineStart, lineStart + 10));
  if ("label" in place) return LABEL_HEAD.exec(text.slice(lineStart, start))?.[1] === place.label;
  if ("column" in place) {
    if (lineStart === 0) return false;
    return splitLine(text.slice(lineStart, start), place.delimiter).length - 1 === place.column;
  }
  // JSON: the value is a string, so a quote opens it; escaped in JSON held by a JSON string
  // (`"{\"firstName\":\"June\"}"`), where the key's quotes are escaped alike.
  let i = start - 1;
  if (text.charCodeAt(i) !== 34) return false;
  let slashes = 0;
  while (i - 1 - slashes >= 0 && text.charCodeAt(i - 1 - slashes) === 92) slashes++;
  i -= 1 + slashes;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  if ("key" in place) {
    if (text.charCodeAt(i) !== 58) return false;
    i--;
    while (i >= 0 && /\s/.test(text[i]!)) i--;
    let quoted = JSON.stringify(place.key);
    for (let level = 0; level < slashes; level = level * 2 + 1) quoted = JSON.stringify(quoted).slice(1, -1);
    return text.slice(i + 1 - quoted.length, i + 1) === quoted;
  }
  if (slashes > 0) return false;
  // An array element: count the commas back to the array's `[`, outside strings; anything nested between
  // (an object or array) means another place.
  let commas = 0;
  let inString = false;
  for (; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 34 && !escaped(text, i)) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 44) commas++;
    else if (c === 91) return commas === place.index;
    else if (c === 93 || c === 123 || c === 125) return false;
  }
  return false;
}

/** True when the character at `i` is escaped by an odd run of backslashes before it. */
function escaped(text: string, i: number): boolean {
  let n = 0;
  while (i - 1 - n >= 0 && text.charCodeAt(i - 1 - n) === 92) n++;
  return n % 2 === 1;
}

/** A bare `Name` (or `Person`, `vollständiger Name`): a person's name only beside an email or a phone. */
const bareName = (label: string): boolean =>
  /^(?:name|names|person|who)$/i.test(label) ||
  BARE_NAME_ABROAD.has(label.toLowerCase()) ||
  namesSomeName(label);

/**
 * Column types from a header row: typed headers, role headers (`Customer`, `Contact Person`), and a bare
 * `Name` column when another column holds emails or phones. Undefined when no column is personal.
 */
export function columnTypes(header: readonly unknown[]): (string | undefined)[] | undefined {
  const names = header.map((h) => (typeof h === "string" ? h.replace(/^#\s*/, "").trim() : ""));
  const kinds = names.map((n) => (n === "" || n.length > 200 ? undefined : keyKind(n)));
  const contact = kinds.some((t) => t === "EMAIL" || t === "PHONE");
  const columns = kinds.map((t, i) => {
    if (t === "ROLE") return "NAME";
    if (t === "PEOPLE") return undefined;
    if (t === undefined && contact && bareName(names[i]!)) return "NAME";
    return t;
  });
  return columns.some((t) => t !== undefined) ? columns : undefined;
}

const DELIMITERS = [",", "\t", ";", "|"];

/**
 * A line that is a JSON object (`{"level":"info","email":...}`): the first record of a log of JSON lines,
 * whose records are read by their structure, not a table's header (its commas separate `"key":value`
 * pairs, not column names).
 */
function isJsonObjectLine(line: string): boolean {
  const t = line.trim();
  return t.charCodeAt(0) === 123 && t.charCodeAt(t.length - 1) === 125;
}

/** Splits one CSV line, honouring double quotes; returns the unquoted cells. */
function splitLine(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell.trim() === "") {
      quoted = true;
      cell = "";
    } else if (c === delimiter) {
      cells.push(cell.trim());
      cell = "";
    } else cell += c;
  }
  cells.push(cell.trim());
  return cells;
}

/** Token-shaped text: a value the program wrote back, never a new value (no alias of a token). */
const HAS_TOKEN = /\[[A-Z][A-Z0-9_]*_[1-9][0-9]*\]/;

/**
 * A rule line under a text table's header: markdown's `|---|:-:|`, psql's `----+----`, a box's
 * `+----+----+`; two columns or more. Tested on one line at a time, of at most {@link MAX_RULE_LINE}.
 */
const RULE_LINE = /^[ \t]*[|+]?[ \t]*:?-+:?[ \t]*(?:[|+][ \t]*:?-+:?[ \t]*)+[|+]?[ \t]*\r?$/;
/** The longest line read as a rule: a table's rule is short, and the pattern must never run over a huge line. */
const MAX_RULE_LINE = 2000;

/**
 * The tables a text holds: the text itself (delimited text, its header first), and each table a rule line
 * underlines under a `|`-separated header anywhere in it (markdown after a heading, psql and MySQL output):
 * that header and the rows after the rule up to the first line that is not one (a blank line, `(3 rows)`,
 * a box's closing rule). A table whose header is the text's first line replaces the text.
 */
function tablesOf(original: string): string[] {
  // A table drawn with box-drawing characters (psql's unicode line style, DuckDB's and SQLite's `box`
  // mode, Python's rich): read as its ASCII twin, `│` as `|`, `─` as `-`, corners and crossings as `+`.
  // Each character maps to one, so the cells read are the same text.
  const boxed = BOX_DRAWING.test(original);
  const text = boxed ? original.replace(BOX_DRAWING_ALL, asciiBox) : original;
  if (text.indexOf("-|") === -1 && text.indexOf("-+") === -1) return [text];
  const tables = [text];
  // `above`: in a box, the first of the rows above this one with no rule between (its header).
  let previous:
    | { start: number; end: number; row?: boolean; above?: { start: number; end: number } }
    | undefined;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    let next = end + 1;
    const lead = text.charCodeAt(start + indentOf(text.slice(start, Math.min(end, start + 40))));
    if (
      previous !== undefined &&
      end - start <= MAX_RULE_LINE &&
      (lead === 124 || lead === 43 || lead === 45 || lead === 58) &&
      RULE_LINE.test(text.slice(start, end))
    ) {
      // A box's header is the first row under its top border: DuckDB writes the column types on a
      // second row above the rule.
      if (boxed && previous.above !== undefined) previous = previous.above;
      const header = text.slice(previous.start, previous.end).replace(/\r$/, "");
      if (header.indexOf("|") !== -1) {
        const lines = [header];
        for (let at = next; at < text.length; ) {
          let rowEnd = text.indexOf("\n", at);
          if (rowEnd === -1) rowEnd = text.length;
          const row = text.slice(at, rowEnd);
          // A box's rule between two rows (`├───┼───┤`, not its closing `└───┴───┘`) continues the table.
          if (
            boxed &&
            rowEnd + 1 < text.length &&
            BOX_ROW_RULE.test(original.slice(at, Math.min(rowEnd, at + 40)))
          ) {
            at = rowEnd + 1;
            next = at;
            continue;
          }
          if (row.indexOf("|") === -1) break;
          lines.push(row.replace(/\r$/, ""));
          at = rowEnd + 1;
          next = at;
        }
        if (lines.length > 1) {
          if (previous.start === 0) tables[0] = lines.join("\n");
          else tables.push(lines.join("\n"));
        }
      }
    }
    // In a box, the header row's start carries over the rows between it and the rule.
    const row = boxed && text.slice(start, end).indexOf("|") !== -1;
    previous = { start, end, above: row && previous?.row ? (previous.above ?? previous) : undefined, row };
    start = next;
  }
  return tables;
}

/** A character of Unicode's box-drawing block. */
const BOX_DRAWING = /[\u2500-\u257f]/;
const BOX_DRAWING_ALL = /[\u2500-\u257f]/g;
/** Vertical and horizontal lines of the box-drawing block (light, heavy, double, dashed). */
const BOX_VERTICAL = /[\u2502\u2503\u2506\u2507\u250a\u250b\u2551\u254e\u254f\u2575\u2577\u2579\u257b]/;
const BOX_HORIZONTAL = /[\u2500\u2501\u2504\u2505\u2508\u2509\u2550\u254c\u254d\u2574\u2576\u2578\u257a]/;
const asciiBox = (c: string): string => (BOX_VERTICAL.test(c) ? "|" : BOX_HORIZONTAL.test(c) ? "-" : "+");
/** A box's rule between rows: it starts with a left tee (`├`, `┣`, `╞`, `╠` ...), a closing one with a corner. */
const BOX_ROW_RULE = /^[ \t]*[\u251c-\u2523\u255e-\u2560]/;

/**
 * Values in the personal columns of delimited text (CSV, TSV, `;` or `|` separated) whose first line is a
 * header naming at least one such column. Returns nothing for text that is not a table. Cells that do
 * not fit their column's type (placeholders, a token the program wrote) are left out.
 */
export function tableFieldValues(whole: string): FieldValue[] {
  const out: FieldValue[] = [];
  for (const text of tablesOf(whole)) tableValues(text, out);
  return out;
}

function tableValues(text: string, out: FieldValue[]): void {
  const nl = text.indexOf("\n");
  if (nl === -1) return;
  const header = text.slice(0, nl).replace(/\r$/, "");
  if (header.length > 2000 || isJsonObjectLine(header)) return;
  const delimiter = DELIMITERS.find((d) => header.includes(d));
  if (delimiter === undefined) return;
  const columns = columnTypes(splitLine(header, delimiter));
  if (columns === undefined) return;
  for (const line of text.slice(nl + 1).split(/\r?\n/)) {
    if (line.trim() === "") continue;
    const cells = splitLine(line, delimiter);
    for (let i = 0; i < cells.length && i < columns.length; i++) {
      const type = columns[i];
      const value = cells[i]!;
      if (type !== undefined && !HAS_TOKEN.test(value) && fieldValueFits(type, value, type === "NAME"))
        out.push({ type, value, place: { column: i, delimiter } });
    }
  }
}

/**
 * The cells of the columns of delimited text whose header says they hold versions (`version`, `build`,
 * `release`), by the rule property names follow; `into` collects them. The text must be a table: two
 * columns or more, every row up to the first blank line as wide as the header.
 */
export function versionCells(whole: string, isVersion: (header: string) => boolean, into: Set<string>): void {
  for (const text of tablesOf(whole)) tableVersions(text, isVersion, into);
}

function tableVersions(text: string, isVersion: (header: string) => boolean, into: Set<string>): void {
  const nl = text.indexOf("\n");
  if (nl === -1) return;
  const header = text.slice(0, nl).replace(/\r$/, "");
  if (header.length > 2000 || isJsonObjectLine(header)) return;
  const delimiter = DELIMITERS.find((d) => header.includes(d));
  if (delimiter === undefined) return;
  const heads = splitLine(header, delimiter);
  const columns = heads.map((h) => h !== "" && h.length <= 200 && isVersion(h));
  if (heads.length < 2 || !columns.includes(true)) return;
  // Only a real table counts: its rows, up to the first blank line, have the header's cell count. Text
  // whose first line merely holds a comma (`Release notes, 2024`) is prose.
  const rows: string[][] = [];
  for (const line of text.slice(nl + 1).split(/\r?\n/)) {
    if (line.trim() === "") break;
    const cells = splitLine(line, delimiter);
    if (cells.length !== heads.length) return;
    rows.push(cells);
  }
  for (const cells of rows)
    for (let i = 0; i < cells.length; i++) if (columns[i] && cells[i]) into.add(cells[i]!);
}

// ------------------------------------------------------------------------------------------ labelled lines

/** A `key: value` (or `key = value`) line of a config dump, YAML, a form or a report; optional quotes. */
const LABEL_LINE =
  /^[ \t]*(?:- )?["']?(\p{L}[\p{L}\p{N}_ .-]{0,60}?)["']?[ \t]*[:=][ \t]*["']?([^"<>]{1,80}?)["']?[ \t]*\r?$/u;
/**
 * Whether `line` may match {@link LABEL_LINE}, read without the regex (which backtracks over every split
 * of a long value before it fails): nothing before the separator may be a `:` or `=`, so it is the
 * first one, and what follows it, blanks and a final `\r` aside, is the value and at most two quotes.
 */
function mayBeLabelLine(line: string): boolean {
  const colon = line.indexOf(":");
  const eq = line.indexOf("=");
  const sep = colon === -1 || (eq !== -1 && eq < colon) ? eq : colon;
  if (sep === -1) return false;
  let start = sep + 1;
  while (start < line.length && isBlank(line.charCodeAt(start))) start++;
  let end = line.length;
  if (end > start && line.charCodeAt(end - 1) === 13) end--;
  while (end > start && isBlank(line.charCodeAt(end - 1))) end--;
  if (end - start <= 82) return true;
  // The regex counts code points (its `u` flag): an emoji or a rare CJK character is two units here.
  let points = end - start;
  for (let i = start; i < end && points > 82; i++) {
    const c = line.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > start) {
      const p = line.charCodeAt(i - 1);
      if (p >= 0xd800 && p <= 0xdbff) points--;
    }
  }
  return points <= 82;
}
const isBlank = (c: number): boolean => c === 32 || c === 9;
/** The longest line {@link LABEL_LINE} can match, with room for indentation and quotes. */
const MAX_LABEL_LINE = 180;
/** The start of such a line up to its value (see {@link atPlace}). */
const LABEL_HEAD = /^[ \t]*(?:- )?["']?(\p{L}[\p{L}\p{N}_ .-]{0,60}?)["']?[ \t]*[:=][ \t]*["']?$/u;

/**
 * Names on lines labelled by a person-name or role key (`admin_contact: Jane Doe`, `Assignee: Li Wei`),
 * read by the rule property names follow; a role's value must look like a person's name (capitalised).
 * A bare `name:` counts as a column named so does: in a record that also has an email or phone line (a
 * YAML list item, an INI section, lines up to a blank one).
 */
export function labelFieldValues(text: string): FieldValue[] {
  const out: FieldValue[] = [];
  const record: LabelRecord = { names: [], contact: false, indent: 0 };
  // Line by line, an anchored match each: a log's long lines and lines led by digits cost nothing.
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    if (end - start <= MAX_LABEL_LINE) labelLine(text.slice(start, end), out, record);
    else endRecord(record, out);
    start = end + 1;
  }
  endRecord(record, out);
  return out;
}

/**
 * The bare names of the record being read, whether it has an email or phone line of its own, and the
 * indentation of its first line.
 */
interface LabelRecord {
  names: FieldValue[];
  contact: boolean;
  indent: number;
}

function endRecord(record: LabelRecord, out: FieldValue[]): void {
  if (record.contact) out.push(...record.names);
  record.names = [];
  record.contact = false;
}

const indentOf = (line: string): number => {
  let i = 0;
  while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9) i++;
  return i;
};

/**
 * Whether a label is the record's own email or phone (`email`, `phone_number`, `Mobile`), not someone
 * else's (`owner_email`, `support_phone`): its first word says so.
 */
function ownContact(label: string): boolean {
  const first = keyWords(label)[0];
  if (first === undefined) return false;
  const kind = keyKind(first);
  return kind === "EMAIL" || kind === "PHONE" || /^e[-_ ]?mail/i.test(label);
}

/**
 * The name in a one-line string that is itself a `key: value` line (`{"summary": "Assignee: Jane Doe"}`),
 * by the rule of {@link labelFieldValues}. Only a first `: ` close enough to the start to end a label is
 * read further, so most strings cost one `indexOf`.
 */
export function labelStringValues(
  text: string,
  /** `text.indexOf("=")`, when the caller has read it. */
  firstEq?: number,
): FieldValue[] | undefined {
  if (text.length > MAX_LABEL_LINE) return undefined;
  // A label holds no colon, so only the first can end it (a one-character search is the cheaper one). A
  // label is at least one letter and at most 61 characters, with room for a lead and quotes.
  const colon = text.indexOf(":");
  if (colon < 1 || colon > 70 || text.charCodeAt(colon + 1) !== 32) {
    // Or a `key=value` line (`assignee=Ivana Horvat`), its label the same, ending at the first `=`.
    const eq = firstEq ?? text.indexOf("=");
    if (eq < 1 || eq > 70 || (colon !== -1 && colon < eq)) return undefined;
  }
  const out: FieldValue[] = [];
  labelLine(text, out);
  return out.length > 0 ? out : undefined;
}

/**
 * The name on one `key: value` line, when its key names a person or a role and the value looks the part.
 * With a `record`: a blank line, an INI `[section]`, a YAML item's `- `, or a line that is no label and
 * no deeper than the record's first ends the record (comments and a nested map do not); a bare name
 * waits there for the record's own email or phone line.
 */
function labelLine(line: string, out: FieldValue[], record?: LabelRecord): void {
  const m = mayBeLabelLine(line) ? LABEL_LINE.exec(line) : null;
  if (record !== undefined) {
    const indent = indentOf(line);
    const lead = line.charCodeAt(indent);
    if (lead === 35 || lead === 59) return; // a `#` or `;` comment
    const item = lead === 45 && line.charCodeAt(indent + 1) === 32; // `- `
    // A line that is no label ends the record at its depth or above, unless it opens a nested map at
    // the record's depth (`address:`, its lines deeper).
    if (
      item ||
      indent === line.length ||
      lead === 91 ||
      (m === null && (indent < record.indent || (indent === record.indent && !/:\s*$/.test(line))))
    )
      endRecord(record, out);
    if (record.names.length === 0 && !record.contact) record.indent = item ? indent + 2 : indent;
  }
  if (m === null) return;
  const label = m[1]!;
  const kind = keyKind(label);
  const value = m[2]!;
  if (record !== undefined && kind === undefined && bareName(label)) {
    if (!HAS_TOKEN.test(value) && fieldValueFits("NAME", value, true))
      record.names.push({ type: "NAME", value, place: { label } });
    return;
  }
  if (record !== undefined && (kind === "EMAIL" || kind === "PHONE") && ownContact(label))
    record.contact = true;
  if (kind !== "NAME" && kind !== "ROLE") return;
  if (!HAS_TOKEN.test(value) && fieldValueFits("NAME", value, kind === "ROLE"))
    out.push({ type: "NAME", value, place: { label } });
}

/**
 * A quoted value after its key in a log line: logfmt's `assignee="Ivana Horvat"` (or `'...'`). The key is
 * a word that starts the line or follows a space, `{`, `,` or `(`. A printed Python dict
 * (`{'assignee': ...}`) is not read: its keys are as often a program's own (classes3.test.ts).
 */
const QUOTED_PAIR = /(?:^|[\s{,(])(\p{L}[\p{L}\p{N}_.-]{0,60})=(?:"([^"\n\\]{1,80})"|'([^'\n\\]{1,80})')/gu;

/** Whether text may hold a {@link QUOTED_PAIR}: a `="` or `='`. */
export function mayHoldQuotedPairs(
  text: string,
  /** `text.indexOf("=")`, when the caller has read it. */
  firstEq = text.indexOf("="),
): boolean {
  // From `=` to `=`: a search for one character is the engine's fast one (every string is asked, and
  // most hold no `=`), where a search for two costs a call into the runtime each.
  for (let i = firstEq; i !== -1; i = text.indexOf("=", i + 1)) {
    const next = text.charCodeAt(i + 1);
    if (next === 34 || next === 39) return true;
  }
  return false;
}

/**
 * Names in quoted `key="value"` pairs of a text (see {@link QUOTED_PAIR}), read by the
 * rule property names follow: a person-name or role key, and a value that looks the part.
 */
export function quotedPairValues(text: string): FieldValue[] {
  const out: FieldValue[] = [];
  QUOTED_PAIR.lastIndex = 0;
  for (let m = QUOTED_PAIR.exec(text); m !== null; m = QUOTED_PAIR.exec(text)) {
    const kind = keyKind(m[1]!);
    if (kind !== "NAME" && kind !== "ROLE") continue;
    const value = m[2] ?? m[3]!;
    if (!HAS_TOKEN.test(value) && fieldValueFits("NAME", value, kind === "ROLE"))
      out.push({ type: "NAME", value });
  }
  return out;
}

/** The `From:` line above a `Sent:` line (Outlook's reply header), quoted by `>` or not. */
const REPLY_FROM = /^[ \t>]*From:[ \t]*(.{1,200}?)[ \t]*\r?$/;
/** A line of that header after `Sent:`: its recipients (`To:`, `Cc:`) or another field of it. */
const REPLY_FIELD = /^[ \t>]*(To|Cc|Subject|Importance|Attachments):[ \t]*(.{0,500}?)[ \t]*\r?$/;
/** A mailbox's address after its name, in angle brackets or Outlook's `[mailto:...]`. */
const MAILBOX_ADDRESS_TAIL = /\s*(?:<[^<>]*>|\[mailto:[^\]]*\])\s*$/;

/**
 * Whether a name read without a field to say whose it is (a reply header's sender, a quoted `"X, Y"`
 * mailbox) holds a common English word that is no part of a person's name: a product, a team or a desk
 * (`Microsoft Outlook`, `Finance Department`, `"IT, Helpdesk"`), not a person.
 */
export function namesAThingByWords(name: string): boolean {
  const common = commonWordsNotNames();
  return name
    .toLowerCase()
    .split(/[\s,]+/)
    .some((w) => w.length > 1 && common.has(w));
}

/**
 * Whether a quoted `"Family, Given"` mailbox display name names a desk or a team rather than a person:
 * either part holds a common word that is no part of a name (`"IT, Support"`), or the given part is
 * written as no given name is: in capitals (`"Sales, EMEA"`, `"Billing, LATAM"`: a region or a unit; a
 * family name often is, `"DUBOIS, Amélie"`), or as two common words of four letters or more joined
 * (`"IT, Helpdesk"`, `"Post, Mailroom"`; 37 of cspell's 39,000 parts of names are so made, `Crabtree`,
 * mostly family names, which come first).
 */
export function namesADesk(family: string, given: string): boolean {
  if (namesAThingByWords(`${family} ${given}`)) return true;
  if (/\p{Lu}.*\p{Lu}/u.test(given) && !/\p{Ll}/u.test(given)) return true;
  const w = given.toLowerCase();
  if (w.length < 8 || !/^[a-z]+$/.test(w)) return false;
  const common = commonWordsNotNames();
  for (let i = 4; i <= w.length - 4; i++)
    if (common.has(w.slice(0, i)) && common.has(w.slice(i))) return true;
  return false;
}

/**
 * The names in Outlook's reply header, which gives a sender without an address (`From: Tanaka Hiroshi`,
 * then `Sent: Monday, ...`) and recipients as `;`-separated names (`To: Jane Doe; Li Wei`): the `From:`
 * line right above a `Sent:` line, and the block's `To:` and `Cc:` lines. Each must look like a person's
 * name as a role's value does (capitalised words, no prose); one holding an address is left to the
 * mailbox detector.
 */
export function replyHeaderNames(text: string): FieldValue[] {
  const out: FieldValue[] = [];
  const add = (label: string, part: string) => {
    const name = part
      .replace(MAILBOX_ADDRESS_TAIL, "")
      .replace(/^"(.*)"$/, "$1")
      .trim();
    if (
      name.indexOf("@") === -1 &&
      !HAS_TOKEN.test(name) &&
      fieldValueFits("NAME", name, true) &&
      !namesAThingByWords(name)
    )
      out.push({ type: "NAME", value: name, place: { label } });
  };
  for (let at = text.indexOf("\nSent:"); at !== -1; at = text.indexOf("\nSent:", at + 6)) {
    const from = REPLY_FROM.exec(text.slice(text.lastIndexOf("\n", at - 1) + 1, at));
    if (from === null) continue;
    add("From", from[1]!);
    // The header's other lines, up to the first that is none of its fields (a blank line, the body).
    for (let start = text.indexOf("\n", at + 1) + 1; start > 0 && start < text.length; ) {
      let end = text.indexOf("\n", start);
      if (end === -1) end = text.length;
      const field = end - start <= 600 ? REPLY_FIELD.exec(text.slice(start, end)) : null;
      if (field === null) break;
      if (field[1] === "To" || field[1] === "Cc")
        for (const part of field[2]!.split(";")) add(field[1], part);
      start = end + 1;
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------------ vCard, iCalendar

/** A content line: its name, parameters and value (`TEL;TYPE=CELL:+33 6 12 34 56 78`). */
const CONTENT_LINE = /^([A-Za-z][A-Za-z0-9-]*)((?:;[^:\r\n]*)?):(.*)$/;
const COMMON_NAME = /;CN=(?:"([^"]*)"|([^;:]*))/i;

/**
 * Values in the personal properties of vCard and iCalendar text (RFC 6350, RFC 5545): `FN` and the parts
 * of `N`, `TEL`, `EMAIL`, and the `CN` (common name) of an `ORGANIZER` or `ATTENDEE`. Returns nothing
 * for other text.
 */
export function cardFieldValues(text: string): FieldValue[] {
  if (
    text.indexOf("BEGIN:VCARD") === -1 &&
    text.indexOf("BEGIN:VCALENDAR") === -1 &&
    text.indexOf("BEGIN:VEVENT") === -1
  )
    return [];
  const out: FieldValue[] = [];
  const add = (type: string, value: string) => {
    const v = value.trim();
    if (v !== "" && fieldValueFits(type, v, false)) out.push({ type, value: v, place: { card: true } });
  };
  for (const line of text.split(/\r?\n/)) {
    const m = CONTENT_LINE.exec(line);
    if (m === null) continue;
    const name = m[1]!.toUpperCase();
    const value = m[3]!;
    if (name === "FN") add("NAME", value);
    else if (name === "N") {
      // family;given;additional;prefixes;suffixes, each a comma-separated list
      for (const part of value.split(";").slice(0, 3)) for (const n of part.split(",")) add("NAME", n);
    } else if (name === "TEL") add("PHONE", value.replace(/^tel:/i, ""));
    else if (name === "EMAIL") add("EMAIL", value.replace(/^mailto:/i, ""));
    else if (name === "ORGANIZER" || name === "ATTENDEE") {
      const cn = COMMON_NAME.exec(m[2]!);
      if (cn !== null) add("NAME", cn[1] ?? cn[2] ?? "");
    }
  }
  return out;
}
