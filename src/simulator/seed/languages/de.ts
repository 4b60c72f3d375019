import type { LanguagePack } from "./types.js";

export const de: LanguagePack = {
  code: "de",
  firstNames: [
    "Jürgen",
    "Sabine",
    "Matthias",
    "Katharina",
    "Jörg",
    "Anja",
    "Stefan",
    "Lena",
    "Uwe",
    "Jana",
    "Tobias",
    "Gülsen",
  ],
  lastNames: [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schäfer",
    "Koch",
    "Hoffmann",
    "Groß",
  ],
  subjects: {
    delivery: [
      "Wo ist meine Bestellung {order}?",
      "{product} nicht angekommen",
      "Falsche Lieferadresse für {order}: {address}",
    ],
    refund: [
      "Erstattung für {order}",
      "Rücksendung {product} ({sku})",
      "Bitte {amount} auf {iban} erstatten",
    ],
    access: [
      "Anmeldung nicht möglich",
      "Passwort-Reset funktioniert nicht für {email}",
      "Konto gesperrt nach Anmeldung von {ip}",
    ],
    invoice: [
      "Rechnung {invoice} ist falsch",
      "Kopie der Rechnung {invoice}",
      "Doppelte Abbuchung von Karte {card}",
    ],
  },
  openings: {
    delivery: [
      "Guten Tag, ich habe am {date} {product} bestellt (Bestellung {order}), aber nichts erhalten. Meine Adresse: {address}. Telefon: {phone}.",
      "Hallo, die Sendungsverfolgung für {order} steht seit einer Woche auf 'unterwegs'. Können Sie nachsehen? Gruß, {name}",
    ],
    refund: [
      "Hallo, ich habe {product} ({sku}) am {date} zurückgeschickt. Bitte erstatten Sie {amount} auf mein Konto {iban}. Mit freundlichen Grüßen, {name}",
      "{product} aus Bestellung {order} ist defekt, ich möchte mein Geld zurück. Bezahlt habe ich mit Karte {card}.",
    ],
    access: [
      "Ich kann mich mit {email} nicht mehr anmelden. Die Reset-Mail kommt nie an. Rückruf gern unter {phone}.",
      "Mein Konto wurde nach einem Anmeldeversuch von {ip} gesperrt. Das war nicht ich. Gruß, {name}",
    ],
    invoice: [
      "Rechnung {invoice} lautet auf {amount}, die Bestellung {order} war aber günstiger. Bitte korrigierte Rechnung an {email}.",
      "Ich benötige eine Rechnung für Bestellung {order} mit meiner Anschrift: {address}.",
    ],
  },
  followUps: [
    "Meine Telefonnummer ist {phone}, gern nach 17 Uhr.",
    "Die Lieferadresse lautet {address}.",
    "Für die Erstattung: meine IBAN ist {iban}.",
    "Ich habe mit der Karte {card} bezahlt.",
    "Immer noch nichts. Bestellung {order}, {product}, bezahlt {amount} am {date}. Bitte an {email} antworten.",
    "Ich habe mich gestern von {ip} angemeldet, jetzt geht es wieder nicht.",
  ],
  replies: [
    "Vielen Dank für Ihre Nachricht zur Bestellung {order}. Ich habe einen Nachforschungsauftrag beim Versanddienstleister gestellt und melde mich innerhalb von 2 Werktagen.",
    "Ich habe {amount} für {product} ({sku}) erstattet. Die Gutschrift erfolgt innerhalb von 5-7 Werktagen.",
    "Zur Bestätigung Ihrer Identität nennen Sie mir bitte Telefonnummer und Anschrift des Kontos.",
    "Ich habe Ihnen einen neuen Link zum Zurücksetzen des Passworts geschickt. Bitte prüfen Sie auch den Spam-Ordner.",
    "Die korrigierte Rechnung {invoice} finden Sie im Anhang.",
    "{product} ist ab {date} wieder lieferbar; ich habe ein Exemplar für Bestellung {order} reserviert.",
  ],
  internalNotes: [
    "Kunde telefonisch verifiziert ({phone}). Erstattung auf {iban} freigegeben.",
    "Karte {card} für {order} doppelt belastet; eine Buchung storniert.",
    "An Logistik eskaliert: Paket an {address} kam zurück.",
  ],
  closings: [
    "Vielen Dank, jetzt klappt es!",
    "Geld ist angekommen. Danke, {agent}.",
    "Danke für die schnelle Hilfe.",
  ],
  greeting: "Hallo {first},",
  signoff: "Mit freundlichen Grüßen",
  ratingGood: ["Schnell und freundlich, danke {agent}!", "Gleich beim ersten Mal gelöst."],
  ratingBad: [
    "Zwei Wochen auf eine Antwort gewartet.",
    "Warte immer noch auf die Erstattung. Rufen Sie an: {phone}.",
  ],
};
