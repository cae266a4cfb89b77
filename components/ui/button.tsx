import Link from 'next/link';
import { buttonClass, type ButtonVariant } from './button-style';

export { Button, buttonClass } from './button-style';

export function LinkButton({ variant = 'secondary', className, ...props }: React.ComponentProps<typeof Link> & { variant?: ButtonVariant }) {
  return <Link className={buttonClass(variant, className)} {...props} />;
}
