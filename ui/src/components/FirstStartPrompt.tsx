// First start: until the person has a signing identity, every screen but Settings says so and
// links to where it is made. Whether there is one, and the words for why not, come from the core.
import { useIdentity } from "./useIdentity";
import { href } from "../router";

export function FirstStartPrompt({ onSettings }: { onSettings: boolean }) {
  const { identity, missing, loading } = useIdentity();
  if (loading || identity || !missing || onSettings) return null;
  return (
    <p className="flag flag-missing" role="status" data-testid="first-start">
      <strong>Create your signing identity.</strong> Approvals and release records are signed with a key of yours kept in
      the OS keyring. <a href={href.settings()}>Create or choose it in Settings</a>, then share its fingerprint with your
      team. <span className="small muted">({missing})</span>
    </p>
  );
}
