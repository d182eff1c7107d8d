// The frame of the Sync screen's two sub-screens: the way back, the title and what it lists.
import type { ReactNode } from "react";
import { href } from "../../router";

type Props = { id: string; title: string; lede: string; testId: string; actions?: ReactNode; children: ReactNode };

export function SyncSubScreen({ id, title, lede, testId, actions, children }: Props) {
  return (
    <section className="screen" aria-labelledby={id} data-testid={testId}>
      <div className="crumbs">
        <a href={href.sync()}>Registry sync</a>
      </div>
      <header className="screen-header">
        <div>
          <h1 id={id}>{title}</h1>
          <p className="muted lede">{lede}</p>
        </div>
        {actions ? <div className="actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}
