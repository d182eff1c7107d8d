// Form input as the core wants it: trimmed, and an empty field is "not given".

/** The trimmed text, or null when nothing but white space was entered. */
export const orNull = (s: string): string | null => (s.trim() === "" ? null : s.trim());
