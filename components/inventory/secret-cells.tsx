// The first cells of every secret table row (inventory, rotation lists): the name linking
// to the secret, its environment, owner team and classification.
import Link from 'next/link';
import { Td } from '@/components/ui/table';
import type { Classification } from '@/generated/prisma/enums';
import { ClassificationBadge } from './secret-badges';

type Identity = { id: string; name: string; environment: string; ownerTeam: { name: string }; classification: Classification };

export function SecretIdentityCells({ secret }: { secret: Identity }) {
  return (
    <>
      <Td className="min-w-44 max-w-80">
        <Link href={`/inventory/${secret.id}`} className="font-medium break-words text-accent-700 hover:underline">
          {secret.name}
        </Link>
      </Td>
      <Td className="whitespace-nowrap">{secret.environment}</Td>
      <Td className="min-w-32 max-w-48 break-words">{secret.ownerTeam.name}</Td>
      <Td>
        <ClassificationBadge value={secret.classification} />
      </Td>
    </>
  );
}
