// Why a team-scoped action is not offered: the secret belongs to a team the person is not in.
export function TeamScopeNote({ team, what }: { team: string; what: string }) {
  return (
    <p className="text-sm text-slate-700">
      Only members of <span className="font-medium text-slate-900">{team}</span>, the team that owns this secret, can {what}. An administrator can add you to
      the team.
    </p>
  );
}
