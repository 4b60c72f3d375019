import type { Rng } from "./rng.js";

// Street addresses in each country's own format (street/number order, postcode shape, script).

type Formatter = (rng: Rng) => string;

const city = <T>(rng: Rng, cities: readonly T[]): T => rng.pick(cities);

const ADDRESSES = {
  DK: (r) => {
    const [zip, town] = city(r, [
      ["1620", "København V"],
      ["8000", "Aarhus C"],
      ["5000", "Odense C"],
      ["9000", "Aalborg"],
      ["2200", "København N"],
    ] as const);
    const street = r.pick([
      "Vesterbrogade",
      "Nørrebrogade",
      "Jægergårdsgade",
      "Østergade",
      "Søndergade",
      "Algade",
    ]);
    const floor = r.chance(0.5) ? `, ${r.between(1, 5)}. ${r.pick(["th", "tv", "mf"])}` : "";
    return `${street} ${r.between(1, 180)}${floor}, ${zip} ${town}`;
  },
  SE: (r) => {
    const [zip, town] = city(r, [
      ["114 55", "Stockholm"],
      ["411 19", "Göteborg"],
      ["211 42", "Malmö"],
      ["753 20", "Uppsala"],
    ] as const);
    return `${r.pick(["Storgatan", "Drottninggatan", "Kungsgatan", "Västra Hamngatan", "Åsögatan"])} ${r.between(1, 90)}, ${zip} ${town}`;
  },
  NO: (r) => {
    const [zip, town] = city(r, [
      ["0154", "Oslo"],
      ["5003", "Bergen"],
      ["7011", "Trondheim"],
      ["4006", "Stavanger"],
    ] as const);
    return `${r.pick(["Karl Johans gate", "Storgata", "Kirkegata", "Bogstadveien", "Dronningens gate"])} ${r.between(1, 80)}, ${zip} ${town}`;
  },
  FI: (r) => {
    const [zip, town] = city(r, [
      ["00100", "Helsinki"],
      ["20100", "Turku"],
      ["33100", "Tampere"],
      ["65100", "Vaasa"],
    ] as const);
    return `${r.pick(["Mannerheimintie", "Aleksanterinkatu", "Hämeenkatu", "Kauppatori", "Esplanadi"])} ${r.between(1, 60)} ${r.pick(["A", "B", "C"])} ${r.between(1, 30)}, ${zip} ${town}`;
  },
  PL: (r) => {
    const [zip, town] = city(r, [
      ["00-514", "Warszawa"],
      ["30-001", "Kraków"],
      ["80-831", "Gdańsk"],
      ["50-077", "Wrocław"],
      ["90-001", "Łódź"],
    ] as const);
    return `ul. ${r.pick(["Marszałkowska", "Świętokrzyska", "Długa", "Piotrkowska", "Żelazna", "Grunwaldzka"])} ${r.between(1, 120)}${r.chance(0.6) ? ` m. ${r.between(1, 60)}` : ""}, ${zip} ${town}`;
  },
  DE: (r) => {
    const [zip, town] = city(r, [
      ["10115", "Berlin"],
      ["80331", "München"],
      ["20095", "Hamburg"],
      ["50667", "Köln"],
      ["60311", "Frankfurt am Main"],
    ] as const);
    return `${r.pick(["Hauptstraße", "Schillerstraße", "Goethestraße", "Bahnhofstraße", "Lindenallee"])} ${r.between(1, 150)}${r.chance(0.2) ? r.pick(["a", "b"]) : ""}, ${zip} ${town}`;
  },
  ES: (r) => {
    const [zip, town] = city(r, [
      ["28013", "Madrid"],
      ["41001", "Sevilla"],
      ["46002", "Valencia"],
      ["29015", "Málaga"],
      ["48001", "Bilbao"],
    ] as const);
    return `Calle ${r.pick(["Mayor", "de Alcalá", "Gran Vía", "de la Princesa", "Serrano"])} ${r.between(1, 200)}, ${r.between(1, 8)}º ${r.pick(["A", "B", "C", "D"])}, ${zip} ${town}`;
  },
  ES_CA: (r) => {
    const [zip, town] = city(r, [
      ["08013", "Barcelona"],
      ["17001", "Girona"],
      ["25001", "Lleida"],
      ["43001", "Tarragona"],
    ] as const);
    return `Carrer ${r.pick(["de Mallorca", "de Provença", "del Consell de Cent", "de Sant Pere", "Gran de Gràcia"])} ${r.between(1, 400)}, ${r.between(1, 6)}r ${r.between(1, 4)}a, ${zip} ${town}`;
  },
  GB: (r) => {
    const [town, district] = city(r, [
      ["London", "NW1"],
      ["Manchester", "M1"],
      ["Leeds", "LS1"],
      ["Bristol", "BS1"],
      ["Edinburgh", "EH1"],
    ] as const);
    const inward = `${r.between(1, 9)}${r.pick(["AB", "DX", "HJ", "NP", "QR", "UZ"])}`;
    return `${r.between(1, 250)} ${r.pick(["Baker Street", "High Street", "Station Road", "Church Lane", "Victoria Road"])}, ${town} ${district} ${inward}`;
  },
  US: (r) => {
    const [town, state, zip] = city(r, [
      ["San Francisco", "CA", "94103"],
      ["New York", "NY", "10001"],
      ["Chicago", "IL", "60601"],
      ["Austin", "TX", "78701"],
      ["Seattle", "WA", "98101"],
    ] as const);
    const apt = r.chance(0.4) ? ` Apt ${r.between(1, 40)}` : "";
    return `${r.between(10, 9999)} ${r.pick(["Market St", "Main St", "Oak Avenue", "Maple Drive", "2nd Ave"])}${apt}, ${town}, ${state} ${zip}`;
  },
  CA: (r) => {
    const [town, prov, fsa] = city(r, [
      ["Toronto", "ON", "M5H"],
      ["Vancouver", "BC", "V6B"],
      ["Montréal", "QC", "H2X"],
      ["Calgary", "AB", "T2P"],
    ] as const);
    return `${r.between(10, 999)} ${r.pick(["Bay St", "King St W", "Rue Sainte-Catherine", "Robson St"])}, ${town}, ${prov} ${fsa} ${r.between(1, 9)}${r.pick(["A", "E", "K", "S"])}${r.between(1, 9)}`;
  },
  BR: (r) => {
    const [town, uf] = city(r, [
      ["São Paulo", "SP"],
      ["Rio de Janeiro", "RJ"],
      ["Belo Horizonte", "MG"],
      ["Curitiba", "PR"],
      ["Recife", "PE"],
    ] as const);
    const apt = r.chance(0.5) ? `, apto ${r.between(11, 190)}` : "";
    return `${r.pick(["Rua Augusta", "Avenida Paulista", "Rua das Flores", "Rua XV de Novembro", "Avenida Atlântica"])}, ${r.between(10, 3000)}${apt} - ${r.pick(["Centro", "Jardins", "Copacabana", "Boa Viagem"])}, ${town} - ${uf}, ${r.digits(5)}-${r.digits(3)}`;
  },
  PT: (r) => {
    const [zip, town] = city(r, [
      ["1200-203", "Lisboa"],
      ["4000-322", "Porto"],
      ["3000-150", "Coimbra"],
      ["8000-136", "Faro"],
    ] as const);
    return `${r.pick(["Rua Garrett", "Avenida da Liberdade", "Rua de Santa Catarina", "Rua Augusta"])} ${r.between(1, 200)}, ${r.between(1, 5)}º ${r.pick(["Esq", "Dto"])}, ${zip} ${town}`;
  },
  FR: (r) => {
    const [zip, town] = city(r, [
      ["75004", "Paris"],
      ["69002", "Lyon"],
      ["13001", "Marseille"],
      ["33000", "Bordeaux"],
    ] as const);
    return `${r.between(1, 120)} ${r.pick(["rue de Rivoli", "avenue Jean Jaurès", "boulevard Voltaire", "rue de la République"])}, ${zip} ${town}`;
  },
  SA: (r) => {
    const [town, zip] = city(r, [
      ["الرياض", "12214"],
      ["جدة", "23511"],
      ["الدمام", "32241"],
    ] as const);
    return `${r.between(1, 9999)} ${r.pick(["طريق الملك فهد", "شارع التحلية", "طريق الأمير سلطان", "شارع العليا"])}، حي ${r.pick(["العليا", "الروضة", "النزهة", "السلامة"])}، ${town} ${zip}`;
  },
  AE: (r) => {
    const town = r.pick(["دبي", "أبوظبي", "الشارقة"]);
    return `شقة ${r.between(101, 2405)}، ${r.pick(["برج الخليج", "برج النخيل", "بناية الريم"])}، ${r.pick(["شارع الشيخ زايد", "شارع الوصل", "شارع الكورنيش"])}، ${town}`;
  },
  EG: (r) => {
    const town = r.pick(["القاهرة", "الجيزة", "الإسكندرية"]);
    return `${r.between(1, 200)} ${r.pick(["شارع التحرير", "شارع الهرم", "شارع جامعة الدول العربية", "شارع فيصل"])}، ${r.pick(["الدقي", "المهندسين", "مدينة نصر", "سموحة"])}، ${town}`;
  },
} as const satisfies Record<string, Formatter>;

export type AddressStyle = keyof typeof ADDRESSES;

export const postalAddress = (rng: Rng, style: AddressStyle): string => ADDRESSES[style](rng);
