// Words that are also parts of people's names. A name part on these lists is not masked wherever
// the word appears ("will", "rose", "hans" = "his" in Danish, "حسن" = "good"): see known-names.ts
// for when it still is. Folded forms (lower case, no diacritics; see text.ts `fold`).

/** The words of space-separated lists. */
const words = (...lists: string[]): ReadonlySet<string> =>
  new Set(lists.join(" ").split(/\s+/).filter(Boolean));

/**
 * Particles, titles and name elements that never identify anyone on their own: matched only as
 * part of the full name or next to another part of it.
 */
export const NAME_PARTICLES = words(
  // Romance, Germanic and Nordic particles
  `de da do dos das del della degli di du des la le las los lo van von der den dem ten ter het af av
   zu zum zur y e i und and och og st saint sainte san santa mc mac fitz ap`,
  // Titles and generational suffixes
  `mr mrs ms miss dr prof sir dame jr sr ii iii iv fru hr herr frau sra srta dona dom pan pani mme
   mlle mons phd`,
  // Arabic and Hebrew name elements (folded: أ/إ/آ → ا, ة → ه, ى → ي)
  `بن ابن بنت ابو ام ال عبد الله الدين الرحمن السيد السيده الشيخ בן בת`,
);

/**
 * Ordinary words that are also given names or surnames in the languages Hush's users write
 * (English, Danish, Swedish, Norwegian, Finnish, German, Spanish, Catalan, Portuguese, French,
 * Polish, Arabic). Matched only where the text writes them as a name: capitalised and not
 * opening a sentence, or next to another part of the same name.
 */
export const COMMON_WORDS = words(
  // English
  `will mark rose hope grace may june april august bill pat sue ray joy faith art rich frank dean jack
   sky summer young white black brown green gray grey king long little baker cook hunter page park
   hill wood stone field bell rice hall ward case price lane cross love star dawn amber ruby pearl
   iris lily daisy holly ivy rob don ben van max ted guy gene chase miles rod penny sunny honey an am
   is it in on at to of or as by we he me my no so up us go be if oh ok ad al ed li lee su mo`,
  // Danish, Norwegian, Swedish
  `bo ib per hans alle tage ask sten stig bjorn kaj ros vide mai maj else alma
   lis karl sol storm lind dal berg strand holm skov bach munk fisker smed vest ost nord syd lund
   bro hav sommer vinter bonde hjort ravn ulv bjerg sand eng mark so dag liv tor ro vang elm gran rask
   glad from kvist blom lilja lilje rose sjo strom kung konge dahl hage have bakke foss aas as lie li
   vik nes`,
  // Finnish
  `aino onni toivo into lumi taisto rauha armas vieno ilma satu aamu kivi koski virta lahti niemi maki
   salo laine joki ranta harju`,
  // German
  `ernst frank klaus wolf fuchs vogel koch bauer weber schmied muller meier schneider fischer becker
   hahn krause lange kurz klein gross braun schwarz weiss roth jung alt wald see winter sonne stern
   engel kaiser konig graf herz mai ehre treu frei heil sommer`,
  // Spanish, Catalan, Portuguese
  `rosa pilar blanca luz paz dolores mercedes soledad amparo consuelo cruz santos rey leal prado campo
   vega flores sol mar angel angeles reyes nieves rocio aurora victoria gloria esperanza alegria
   caridad remedios milagros costa rocha lima mata torres castillo fuentes rios montes iglesias
   delgado moreno rubio bravo blanco calvo serra vila font pla roca puig mas prat bosch valle vale
   branco neves fontes lobo pinto coelho carneiro cordeiro leao dias ramos campos feliz bom boa belo
   bela mora ana`,
  // French
  `pierre claire blanc petit marin roux brun lebrun rose france marine olive violette fleur aime aimee
   belle beau bon bonne roy chevalier vincent`,
  // Polish
  `roza wiktoria nadzieja wiara milosz bogdan dobromir kowal wrobel sowa baran zajac wilk lis kot
   dudek kruk`,
  // Arabic (folded)
  `امل نور سعيد سعيده كريم كريمه جميل جميله عادل صالح حسن حسين امين امينه منى هدى فرح سلام سلامه رحمه
   نعمه حياه وفاء صبر صابر شريف ماجد فاضل فائز فايز منصور ناصر سالم سلمى راضي هاني زين بدر قمر شمس
   سماء ريم غاده ندى لطيف لطيفه مصري المصري`,
);
