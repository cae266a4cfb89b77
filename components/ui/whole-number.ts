// The attributes of an input that takes a whole number (days, hours): a number keypad on
// phones and arrows that step by one.
export const WHOLE_NUMBER_INPUT = { type: 'number', inputMode: 'numeric', step: 1 } as const;
