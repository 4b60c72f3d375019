import { ar } from "./ar.js";
import { ca } from "./ca.js";
import { da } from "./da.js";
import { de } from "./de.js";
import { en } from "./en.js";
import { es } from "./es.js";
import { pl } from "./pl.js";
import { ptBR } from "./pt-br.js";
import { sv } from "./sv.js";

export type { LanguagePack, Topic } from "./types.js";
export { TOPICS } from "./types.js";

export const LANGUAGES = { en, da, sv, pl, de, es, ca, "pt-BR": ptBR, ar } as const;
export type LanguageCode = keyof typeof LANGUAGES;
