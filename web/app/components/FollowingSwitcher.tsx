/**
 * Switcher between one's own data and the people one follows as a caregiver, shown
 * in the app shell only when there is someone to switch to.
 */
import { useLocation, useNavigate } from "@remix-run/react";

export function FollowingSwitcher({ people }: { people: { user_id: string; name: string }[] }) {
  const navigate = useNavigate();
  const { pathname } = useLocation();
  if (!people.length) return null;
  const current = /^\/following\/([^/]+)/.exec(pathname)?.[1] ?? "";
  return (
    <label className="switcher">
      <span className="visually-hidden">Show data of</span>
      <select aria-label="Show data of" value={current} onChange={(e) => navigate(e.target.value ? `/following/${e.target.value}` : "/")} data-testid="following-switcher">
        <option value="">My data</option>
        {people.map((p) => (
          <option key={p.user_id} value={p.user_id}>
            {p.name} (following)
          </option>
        ))}
      </select>
    </label>
  );
}
