/** What the Alertmanager config builder and its route builder share: their input and a route of the tree. */
import type { AlertingConfig } from "../../config/alerting";

/** What the builder reads of the stack config. */
export interface AlertmanagerInputs {
  readonly alerting?: AlertingConfig;
  readonly teams: readonly { readonly name: string; readonly alerts?: { readonly receiver: string } }[];
}

export type AlertmanagerRoute = {
  readonly receiver: string;
  readonly matchers?: readonly string[];
  readonly continue?: boolean;
};
