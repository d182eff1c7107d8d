import type { RiskTier, Stage } from "../api/bindings";

export const STAGE_LABEL: Record<Stage, string> = {
  experiment: "Experiment",
  candidate: "Candidate",
  canary: "Canary",
  production: "Production",
  "rollback-target": "Rollback target",
  deprecated: "Deprecated",
};

// A shape per stage as well as a colour, so the chip reads without colour vision.
const STAGE_GLYPH: Record<Stage, string> = {
  experiment: "○",
  candidate: "◇",
  canary: "△",
  production: "●",
  "rollback-target": "↺",
  deprecated: "✕",
};

export const STAGES: Stage[] = [
  "experiment",
  "candidate",
  "canary",
  "production",
  "rollback-target",
  "deprecated",
];

export function StageChip({ stage, version }: { stage: Stage; version?: string }) {
  return (
    <span
      className={`chip stage-${stage}`}
      data-testid="stage-chip"
      data-stage={stage}
      title={version ? `${version}: ${STAGE_LABEL[stage]}` : STAGE_LABEL[stage]}
    >
      <span className="chip-glyph" aria-hidden="true">
        {STAGE_GLYPH[stage]}
      </span>
      {version ? <span className="chip-version">{version}</span> : null}
      <span className="chip-label">{STAGE_LABEL[stage]}</span>
    </span>
  );
}

export const RISK_LABEL: Record<RiskTier, string> = { low: "Low risk", medium: "Medium risk", high: "High risk" };

export function RiskBadge({ tier }: { tier: RiskTier }) {
  return (
    <span className={`risk risk-${tier}`} data-testid="risk-tier" data-risk={tier}>
      {RISK_LABEL[tier]}
    </span>
  );
}
