// The button look and the plain <button>, without next/link: an error boundary's chunk
// (components/errors/error-notice.tsx) is loaded on every first load of a page and is a
// bundle of its own, so importing Link here would ship Link's code in it once more (~4 kB
// gzip per boundary). button.tsx adds LinkButton and re-exports these.
import { cn } from './cn';

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost';

const VARIANTS: Record<ButtonVariant, string> = {
  primary: 'bg-accent-600 text-white hover:bg-accent-700 disabled:bg-accent-600/60',
  secondary: 'bg-white text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50',
  danger: 'bg-red-700 text-white hover:bg-red-800 disabled:bg-red-700/60',
  ghost: 'text-slate-700 hover:bg-slate-100',
};

export const buttonClass = (variant: ButtonVariant = 'primary', extra?: string) =>
  cn(
    'inline-flex items-center justify-center gap-1.5 rounded-md px-3 py-2 text-sm font-medium transition-colors',
    'disabled:cursor-not-allowed',
    VARIANTS[variant],
    extra,
  );

export function Button({
  variant = 'primary',
  className,
  type = 'button',
  ...props
}: React.ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant }) {
  return <button type={type} className={buttonClass(variant, className)} {...props} />;
}
