import type { LanguagePack } from "./types.js";

export const ca: LanguagePack = {
  code: "ca",
  firstNames: [
    "Jordi",
    "Montserrat",
    "Pau",
    "Núria",
    "Marc",
    "Mireia",
    "Oriol",
    "Laia",
    "Joan",
    "Mercè",
    "Arnau",
    "Roser",
  ],
  lastNames: [
    "Puig",
    "Vila",
    "Soler",
    "Ferrer",
    "Serra",
    "Font",
    "Pujol",
    "Casals",
    "Roca",
    "Sala",
    "Bosch",
    "Martí",
  ],
  subjects: {
    delivery: [
      "On és la meva comanda {order}?",
      "No m'ha arribat {product}",
      "Adreça d'entrega errònia a {order}: {address}",
    ],
    refund: [
      "Reemborsament de la comanda {order}",
      "Devolució de {product} ({sku})",
      "Torneu-me {amount} al compte {iban}",
    ],
    access: [
      "No puc iniciar la sessió",
      "El canvi de contrasenya no funciona per a {email}",
      "Compte bloquejat després d'un accés des de {ip}",
    ],
    invoice: [
      "La factura {invoice} és incorrecta",
      "Còpia de la factura {invoice}",
      "Càrrec duplicat a la targeta {card}",
    ],
  },
  openings: {
    delivery: [
      "Bon dia, vaig demanar {product} el {date} (comanda {order}) i encara no ha arribat. La meva adreça és {address} i el telèfon {phone}.",
      "Hola, el seguiment de la comanda {order} fa una setmana que diu 'en trànsit'. Ho podeu revisar? Gràcies, {name}",
    ],
    refund: [
      "Hola, vaig retornar {product} ({sku}) el {date}. Si us plau, ingresseu {amount} al meu compte {iban}. Salutacions, {name}",
      "{product} de la comanda {order} està espatllat i vull el reemborsament. Vaig pagar amb la targeta {card}.",
    ],
    access: [
      "No puc entrar amb {email}; el correu per restablir la contrasenya no arriba mai. El meu NIE és {nid} si cal verificar-ho.",
      "M'han bloquejat el compte després d'un intent d'accés des de {ip}. No vaig ser jo. Truqueu-me al {phone}.",
    ],
    invoice: [
      "La factura {invoice} és de {amount}, però la comanda {order} va costar menys. Envieu la factura corregida a {email}.",
      "Necessito factura de la comanda {order} amb la meva adreça: {address}.",
    ],
  },
  followUps: [
    "El meu telèfon és el {phone}, truqueu-me a la tarda.",
    "L'adreça d'entrega és {address}.",
    "Per al reemborsament, el meu IBAN és {iban}.",
    "Vaig pagar amb la targeta {card}.",
    "Em vau demanar identificació: el meu DNI/NIE és {nid}.",
    "Continuo sense notícies. Comanda {order}, {product}, pagada {amount} el {date}. Responeu a {email}.",
    "Ahir vaig entrar des de {ip} i ara torna a fallar.",
  ],
  replies: [
    "Gràcies per escriure'ns sobre la comanda {order}. He obert una incidència amb el transportista i us respondré en 2 dies feiners.",
    "He tramitat el reemborsament de {amount} per {product} ({sku}). El rebreu en 5-7 dies feiners.",
    "Per verificar la vostra identitat, em podeu confirmar el telèfon i l'adreça del compte?",
    "Us he enviat un enllaç nou per restablir la contrasenya. Reviseu també la carpeta de correu brossa.",
    "Adjunto la factura rectificativa {invoice}.",
    "{product} torna a estar disponible el {date}; n'he reservat una unitat per a la comanda {order}.",
  ],
  internalNotes: [
    "Client verificat per telèfon ({phone}) i NIE {nid}. Reemborsament aprovat.",
    "Targeta {card} cobrada dues vegades per {order}; s'ha anul·lat un càrrec.",
    "Escalat a logística: el paquet a {address} ha tornat al remitent.",
  ],
  closings: [
    "Gràcies, ja funciona!",
    "He rebut el reemborsament. Gràcies, {agent}.",
    "Gràcies per la rapidesa.",
  ],
  greeting: "Hola {first},",
  signoff: "Salutacions,",
  ratingGood: ["Ràpids i amables, gràcies {agent}!", "Resolt a la primera."],
  ratingBad: ["Van trigar dues setmanes a respondre.", "Encara espero el reemborsament. Truqueu al {phone}."],
};
