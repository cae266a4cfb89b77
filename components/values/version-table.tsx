// The provider's versions of a secret, newest first, annotated with what the dashboard
// recorded (who wrote it, entered or generated, the note). Engineers get the provider's
// own way of managing old versions: states on GCP and local, staging labels on AWS.
import { formatDateTime } from '@/components/format';
import { EmptyNote } from '@/components/ui/empty-state';
import { Badge } from '@/components/ui/badge';
import { ACTIONS_HEADING, Table, TableHead, Td, Tr } from '@/components/ui/table';
import type { VersionList, VersionRow } from '@/lib/data/secret-values';
import { shortVersion } from './short-version';
import { VersionAction } from './version-action';

type Act = Parameters<typeof VersionAction>[0]['act'];

export function VersionTable({ list, act }: { list: VersionList; act: Act | null }) {
  if (!list.versions.length) {
    return (
      <EmptyNote>
        {list.providerError ??
          // The form above is there only for those who may write (act is theirs alone).
          `The provider holds no version of this secret yet.${act ? ' Write the first value above.' : ''}`}
      </EmptyNote>
    );
  }
  return (
    <>
      {list.providerError && (
        <p role="status" className="mb-2 text-sm text-amber-900">
          {list.providerError} Showing the versions this dashboard wrote.
        </p>
      )}
      <Table caption="Versions held by the provider, newest first">
        <TableHead
          headings={['Version', 'Created', list.provider === 'aws' ? 'Staging labels' : 'State', 'Written by', 'Note', ...(act ? [ACTIONS_HEADING] : [])]}
        />
        <tbody className="divide-y divide-slate-100">
          {list.versions.map((v) => (
            <Tr key={v.versionId}>
              <Td>
                <code className="font-mono text-[13px]" title={v.versionId}>
                  {shortVersion(v.versionId)}
                </code>
              </Td>
              <Td className="whitespace-nowrap">{v.createdAt ? formatDateTime(v.createdAt) : '—'}</Td>
              <Td>
                <VersionStatus version={v} aws={list.provider === 'aws'} />
              </Td>
              <Td>
                {v.writtenBy ? (
                  <>
                    <span className="wrap-anywhere">{v.writtenBy}</span>
                    <span className="block text-xs text-slate-500">{v.source === 'generated' ? 'Generated' : 'Entered'}</span>
                  </>
                ) : (
                  <span className="text-slate-500">Outside this dashboard</span>
                )}
              </Td>
              <Td className="max-w-72 break-words">{v.note ?? <span className="text-slate-400">—</span>}</Td>
              {act && <Td className="text-right">{actionFor(v, list.provider, act)}</Td>}
            </Tr>
          ))}
        </tbody>
      </Table>
    </>
  );
}

function VersionStatus({ version, aws }: { version: VersionRow; aws: boolean }) {
  if (aws) {
    return version.labels.length ? (
      <span className="flex flex-wrap gap-1">
        {version.labels.map((label) => (
          <Badge key={label} tone={label === 'AWSCURRENT' ? 'green' : label === 'AWSPREVIOUS' ? 'blue' : 'neutral'}>
            {label}
          </Badge>
        ))}
      </span>
    ) : (
      <Badge>Deprecated (no label)</Badge>
    );
  }
  const tone = version.state === 'enabled' ? 'green' : version.state === 'disabled' ? 'amber' : 'neutral';
  return (
    <span className="flex flex-wrap gap-1">
      <Badge tone={tone}>{version.state[0].toUpperCase() + version.state.slice(1)}</Badge>
      {version.current && <Badge tone="blue">Current</Badge>}
    </span>
  );
}

function actionFor(v: VersionRow, provider: VersionList['provider'], act: Act) {
  if (provider === 'aws') {
    // Only a return to the previous version: other label moves belong to rotations.
    return v.current || !v.labels.includes('AWSPREVIOUS') ? null : (
      <VersionAction label="Make current again" change={{ change: 'make_current', versionId: v.versionId }} act={act} />
    );
  }
  if (v.state === 'destroyed' || v.current) return null;
  return v.state === 'enabled' ? (
    <VersionAction label="Disable" change={{ change: 'disable', versionId: v.versionId }} act={act} />
  ) : (
    <VersionAction label="Enable" change={{ change: 'enable', versionId: v.versionId }} act={act} />
  );
}
