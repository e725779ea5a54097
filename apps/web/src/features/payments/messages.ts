/** The payments screens' texts: Swedish (the default) and English, with the same keys. */
export const sv = {} as const;

export const en: Record<keyof typeof sv, string> = {};
