// How far ahead "due soon" looks, in days. Its own zod-free module: the inventory table
// renders in the browser too, and importing the list's schema there would ship zod.
export const DUE_SOON_DAYS = 14;
