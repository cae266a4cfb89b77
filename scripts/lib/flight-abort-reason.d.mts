export const RENDER_COMPLETED: string;
