/**
 * Returns `text` as one flat string. Strings built by concatenation are ropes in V8 (a node per
 * piece, ~3x the memory); values kept by a million seeded records are flattened once to stay small.
 * Every seeded string is already NFC, so normalize() changes nothing but the representation.
 */
export const flat = (text: string): string => text.normalize();
