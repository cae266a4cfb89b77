import { AuthFrame } from '@/components/ui/auth-frame';

export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return <AuthFrame>{children}</AuthFrame>;
}
